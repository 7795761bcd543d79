from django.urls import path

from . import pages

app_name = "integrations"

# Under /seller/settings/ (after routing's own settings URLs).
urlpatterns = [
    path("integrations/", pages.integrations_section, name="section"),
    path("webhooks/", pages.endpoint_add, name="endpoint_add"),
    path("webhooks/<int:endpoint_id>/", pages.endpoint_update, name="endpoint_update"),
    path("webhooks/<int:endpoint_id>/active/", pages.endpoint_active_set, name="endpoint_active"),
    path(
        "webhooks/<int:endpoint_id>/rotate-secret/",
        pages.endpoint_secret_rotate,
        name="endpoint_rotate",
    ),
    path("webhooks/<int:endpoint_id>/remove/", pages.endpoint_remove, name="endpoint_remove"),
    path("webhooks/<int:endpoint_id>/deliveries/", pages.delivery_log, name="delivery_log"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        pages.delivery_replay,
        name="delivery_replay",
    ),
    path("sheet-feeds/", pages.sheet_feed_add, name="sheet_feed_add"),
    path("sheet-feeds/<int:feed_id>/revoke/", pages.sheet_feed_revoke, name="sheet_feed_revoke"),
]
