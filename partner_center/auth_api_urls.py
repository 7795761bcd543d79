from django.urls import path

from . import auth_api

urlpatterns = [
    path("auth/token/", auth_api.TokenView.as_view(), name="api-token"),
    path("me/", auth_api.MeView.as_view(), name="api-me"),
]
