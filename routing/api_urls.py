from django.urls import path

from core.api.routers import Router

from .api import AssignmentRuleViewSet, PartnerSettingsView

router = Router(trailing_slash=True)
router.register("assignment-rules", AssignmentRuleViewSet, basename="assignment-rule")

urlpatterns = [
    path("partner-settings/", PartnerSettingsView.as_view(), name="partner-settings"),
    *router.urls,
]
