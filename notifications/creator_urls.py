from django.urls import path

from core.roles import creator_required

from . import pages

# Included at /ec/notifications/ inside the EC Center's "ec" namespace: creators only.
urlpatterns = [
    path("", creator_required(pages.notification_list), name="notifications"),
    path(
        "read-all/",
        creator_required(pages.notifications_read_all),
        name="notifications_read_all",
    ),
    path("badge/", creator_required(pages.notification_badge), name="notification_badge"),
]
