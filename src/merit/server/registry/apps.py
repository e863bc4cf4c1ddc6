from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "merit.server.registry"
    label = "registry"
    verbose_name = "Trust registry"
