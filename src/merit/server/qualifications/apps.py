from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    name = "merit.server.qualifications"
    label = "qualifications"
    verbose_name = "Qualifications"
