from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from notifications import pages as notification_pages

from . import probes, views
from .auth import login_throttled

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", probes.healthz, name="healthz"),
    path("healthz/live", probes.liveness, name="liveness"),
    path("readyz", probes.healthz, name="readyz"),
    path("livez", probes.liveness, name="livez"),
    path("metrics", probes.metrics, name="metrics"),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (JSON, the API docs).
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        login_throttled(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/notifications/",
        notification_pages.notification_preferences,
        name="notification_preferences",
    ),
    # The admin's own login, ahead of the admin's URLs, with the same per-address limit.
    path("admin/login/", login_throttled(admin.site.login), name="admin_login"),
    path("admin/", admin.site.urls),
    path("ec/", include("leads.ec_urls")),
    path("ec/messages/", include("im.creator_urls")),
    path("seller/settings/", include("routing.urls")),
    path("seller/settings/", include("integrations.urls")),
    path("seller/", include("leads.urls")),
    path("seller/im/", include("im.urls")),
    path("seller/tasks/", include("followup.urls")),
    path("seller/notifications/", include("notifications.urls")),
    path("api/v1/", include("partner_center.api.urls")),
    # Sheet feeds' secret CSV URLs: the token is the credential, no session.
    path("feeds/", include("integrations.feed_urls")),
]

handler400 = "partner_center.views.bad_request"
handler403 = "partner_center.views.forbidden"
handler404 = "partner_center.views.not_found"
handler500 = "partner_center.views.server_error"
