from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`seed_demo`). Part of the shell: it may use every domain app."""

    name = "demo"
