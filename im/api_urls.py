from django.urls import path

from core.api.routers import Router

from . import api
from .renewal import RenewalRequestView
from .reply_template_api import ReplyTemplateViewSet

router = Router(trailing_slash=True)
router.register("im/threads", api.ThreadViewSet, basename="thread")
router.register("reply-templates", ReplyTemplateViewSet, basename="reply-template")

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
