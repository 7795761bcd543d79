from django.urls import path

from .feed_views import sheet_feed_csv

# The token is secrets.token_urlsafe(32); any other text simply opens no feed (404).
urlpatterns = [
    path("sheets/<str:token>.csv", sheet_feed_csv, name="sheet_feed_csv"),
]
