from django.db import migrations, models


class Migration(migrations.Migration):
    # 0003 is another change of issue 13 (the organisation's LinkedIn id); the merge orders the two.
    dependencies = [("accounts", "0004_spreadsheets_time_zone")]

    operations = [
        migrations.AddField(
            model_name="account",
            name="language",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
    ]
