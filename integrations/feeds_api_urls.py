from core.api.routers import Router

from .feeds_api import SheetFeedViewSet

router = Router(trailing_slash=True)
router.register("sheet-feeds", SheetFeedViewSet, basename="sheet-feed")

urlpatterns = router.urls
