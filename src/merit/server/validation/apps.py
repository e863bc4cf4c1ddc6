from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "merit.server.validation"
    label = "validation"
    verbose_name = "Validation of prior and work-based learning"
