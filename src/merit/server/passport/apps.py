from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "merit.server.passport"
    label = "passport"
    verbose_name = "Competence passport"
