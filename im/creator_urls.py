"""The creator's side of IM, inside the Creator EC Center (/ec/messages/)."""

from django.urls import path

from . import views

app_name = "im_creator"

urlpatterns = [
    path("", views.creator_inbox, name="inbox"),
    path("<int:thread_id>/", views.creator_inbox, name="thread"),
    path("<int:thread_id>/send/", views.creator_send, name="send"),
    path("<int:thread_id>/poll/", views.creator_poll, name="poll"),
    path("<int:thread_id>/read/", views.creator_read, name="read"),
    path("start/<int:partner_id>/", views.creator_thread_start, name="start"),
]
