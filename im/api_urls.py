from django.urls import path

from core.api.routers import Router

from . import api
from .renewal import RenewalRequestView

router = Router(trailing_slash=True)
router.register("im/threads", api.ThreadViewSet, basename="thread")

urlpatterns = [
    # The contract's URL has no trailing slash.
    path("im/threads/<int:pk>/lead", api.ThreadLeadView.as_view(), name="thread-lead"),
    path(
        "leads/<int:pk>/renewal-request/",
        RenewalRequestView.as_view(),
        name="lead-renewal-request",
    ),
    *router.urls,
]
