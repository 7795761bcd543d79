from django.urls import include, path

from .pages import ec as views

app_name = "ec"

urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
    path("partners/<slug:slug>/request/", views.request_collaborate, name="request"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:request_id>/", views.request_result, name="request_result"),
    path("requests/<int:request_id>/renew/", views.request_renew, name="request_renew"),
    path("notifications/", include("notifications.creator_urls")),
]
