"""The creator's side of IM, inside the Creator EC Center (/ec/messages/)."""

from django.urls import path

from . import views

app_name = "im_creator"

urlpatterns = [
    path("", views.creator_inbox, name="inbox"),
    path("start/<int:partner_id>/", views.creator_thread_start, name="start"),
]
