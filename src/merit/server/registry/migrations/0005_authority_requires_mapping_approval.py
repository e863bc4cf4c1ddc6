from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_scope_names_qualifications")]

    operations = [
        migrations.AddField(
            model_name="authority",
            name="requires_mapping_approval",
            field=models.BooleanField(
                default=True,
                help_text="A micro-credential mapped to a unit of a qualification this authority owns counts only "
                "once the authority approved the mapping (decision 0025).",
            ),
        ),
    ]
