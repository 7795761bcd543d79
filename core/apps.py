from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground layer: what every domain app shares. It imports no domain app."""

    name = "core"
