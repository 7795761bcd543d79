from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """The interactive API docs (an HTML page). OPTIONS answers its methods: DRF's metadata
    answer would go through the page's template renderer, which has no template for it (a
    500 even anonymously)."""

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=200)
        response["Allow"] = ", ".join(self.allowed_methods)
        return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("partner_center.auth_api_urls")),
    path("", include("creators.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("leads.api_urls")),
    path("", include("im.api_urls")),
    path("", include("routing.api_urls")),
    path("", include("followup.api_urls")),
    path("", include("integrations.api_urls")),
    path("", include("integrations.feeds_api_urls")),
]
