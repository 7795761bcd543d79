from django.urls import path

from . import views

app_name = "creators"

urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("my-requests/", views.my_requests, name="my_requests"),
]
