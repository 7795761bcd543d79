from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads and collaboration requests"

    def ready(self):
        from . import signals

        signals.connect()
