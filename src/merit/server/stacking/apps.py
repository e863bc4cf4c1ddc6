from django.apps import AppConfig


class StackingConfig(AppConfig):
    name = "merit.server.stacking"
    label = "stacking"
    verbose_name = "Stacked credentials"
