from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("partner_center.auth_api_urls")),
    path("", include("creators.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("leads.api_urls")),
    path("", include("im.api_urls")),
    path("", include("routing.api_urls")),
    path("", include("followup.api_urls")),
]
