from django.urls import path

from . import reply_template_pages, timeline, views

app_name = "im"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:thread_id>/", views.inbox, name="thread"),
    path("start/<str:handle>/", views.seller_thread_start, name="start"),
    # Reply templates: the settings page's section (and its forms), and a thread's picker.
    path("reply-templates/", reply_template_pages.reply_template_section, name="reply_templates"),
    path(
        "reply-templates/add/", reply_template_pages.reply_template_add, name="reply_template_add"
    ),
    path(
        "reply-templates/<int:template_id>/",
        reply_template_pages.reply_template_edit,
        name="reply_template_edit",
    ),
    path(
        "reply-templates/<int:template_id>/remove/",
        reply_template_pages.reply_template_remove,
        name="reply_template_remove",
    ),
    path(
        "<int:thread_id>/reply-templates/",
        reply_template_pages.reply_template_picker,
        name="reply_picker",
    ),
    path("<int:thread_id>/send/", views.seller_send, name="send"),
    path("<int:thread_id>/poll/", views.seller_poll, name="poll"),
    path("<int:thread_id>/read/", views.seller_read, name="read"),
    path("<int:thread_id>/lead/", views.lead_toggle, {"action": "add"}, name="lead_add"),
    path(
        "<int:thread_id>/lead/remove/", views.lead_toggle, {"action": "remove"}, name="lead_remove"
    ),
    # A lead's one timeline (history, notes, messages), loaded by the lead detail.
    path("leads/<int:lead_id>/timeline/", timeline.lead_timeline, name="lead_timeline"),
]
