from django.urls import path

from . import views

app_name = "im"

urlpatterns = [
    path("", views.inbox, name="inbox"),
]
