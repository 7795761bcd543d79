from django.urls import path

from . import pages

# Included at /seller/notifications/ without a namespace: templates name these URLs bare.
urlpatterns = [
    path("", pages.notification_list, name="notifications"),
    path("read-all/", pages.notifications_read_all, name="notifications_read_all"),
    path("badge/", pages.notification_badge, name="notification_badge"),
]
