from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Leads and collaboration requests"

    def ready(self):
        from creators.signals import creator_figures_refreshed

        from .services import lead_figures_sync

        # The pool filters on copies of each creator's tier and followers: refresh them with
        # the creators, in the same transaction.
        creator_figures_refreshed.connect(lead_figures_sync, dispatch_uid="lead_figures_sync")
