from django.urls import path

from core.api.routers import Router

from . import api

router = Router(trailing_slash=True)
router.register("creators", api.CreatorViewSet, basename="creator")
router.register("partners", api.PartnerViewSet, basename="partner")

urlpatterns = [
    path("creator-stats/", api.CreatorStatsView.as_view(), name="api-creator-stats"),
    *router.urls,
]
