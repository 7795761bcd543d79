from django.urls import path

from core.api.routers import ID_REGEX, Router

from .api.collaboration import CollaborationRequestViewSet
from .api.notes import LeadNoteViewSet
from .api.pool import LeadViewSet
from .api.workspace import SavedViewViewSet, StaffViewSet

router = Router(trailing_slash=True)
router.register("leads", LeadViewSet, basename="lead")
router.register(f"leads/(?P<lead_pk>{ID_REGEX})/notes", LeadNoteViewSet, basename="lead-note")
router.register("staff", StaffViewSet, basename="staff")
router.register("saved-views", SavedViewViewSet, basename="saved-view")
router.register(
    "collaboration-requests", CollaborationRequestViewSet, basename="collaboration-request"
)

urlpatterns = [
    # The contract's export URL has no trailing slash.
    path("leads/export.csv", LeadViewSet.as_view({"get": "export"}), name="lead-export-csv"),
    *[url for url in router.urls if url.name != "lead-export"],
]
