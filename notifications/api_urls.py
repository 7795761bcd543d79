from django.urls import path

from core.api.routers import Router

from .api import NotificationPreferencesView, NotificationViewSet

router = Router(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "notification-preferences/",
        NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    *router.urls,
]
