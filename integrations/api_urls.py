from core.api.routers import Router

from .api import WebhookEndpointViewSet

router = Router(trailing_slash=True)
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = [*router.urls]
