from django.urls import path

from core.roles import seller_required

from . import pages

# Included at /seller/notifications/ without a namespace: templates name these URLs bare.
# Sellers only here; creators have the same pages at /ec/notifications/ (creator_urls).
urlpatterns = [
    path("", seller_required(pages.notification_list), name="notifications"),
    path(
        "read-all/",
        seller_required(pages.notifications_read_all),
        name="notifications_read_all",
    ),
    path("badge/", seller_required(pages.notification_badge), name="notification_badge"),
]
