from core.api.routers import ID_REGEX, Router

from .api import LeadTaskViewSet, TaskViewSet

router = Router(trailing_slash=True)
router.register(f"leads/(?P<lead_pk>{ID_REGEX})/tasks", LeadTaskViewSet, basename="lead-task")
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = router.urls
