from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Assignment rules"

    def ready(self):
        from leads.signals import lead_arrived

        from .services.assign import lead_arrived_route

        # A lead entering the pool is routed in the writer's transaction (routing may import
        # leads; leads only sends the signal).
        lead_arrived.connect(lead_arrived_route, dispatch_uid="routing_lead_arrived_route")
