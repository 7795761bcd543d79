from django.apps import AppConfig


class ImConfig(AppConfig):
    name = "im"
    verbose_name = "TTSPC IM"

    def ready(self):
        from leads.signals import collaboration_request_sent

        from . import signals
        from .services import collaboration_request_sent_receiver

        # A request reaches the IM thread between creator and partner (im may import leads;
        # leads only sends the signal).
        collaboration_request_sent.connect(
            collaboration_request_sent_receiver, dispatch_uid="im_collaboration_request_sent"
        )
        signals.connect()
