from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("im/threads", api.ThreadViewSet, basename="thread")

urlpatterns = [
    # The contract's URL has no trailing slash.
    path("im/threads/<int:pk>/lead", api.ThreadLeadView.as_view(), name="thread-lead"),
    *router.urls,
]
