from django.urls import path

from . import views

app_name = "im"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:thread_id>/", views.inbox, name="thread"),
    path("start/<str:handle>/", views.seller_thread_start, name="start"),
    path("<int:thread_id>/send/", views.seller_send, name="send"),
    path("<int:thread_id>/poll/", views.seller_poll, name="poll"),
    path("<int:thread_id>/read/", views.seller_read, name="read"),
    path("<int:thread_id>/lead/", views.lead_toggle, {"action": "add"}, name="lead_add"),
    path(
        "<int:thread_id>/lead/remove/", views.lead_toggle, {"action": "remove"}, name="lead_remove"
    ),
]
