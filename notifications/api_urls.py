from core.api.routers import Router

from .api import NotificationViewSet

router = Router(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
