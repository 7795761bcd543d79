from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("leads/", views.pool, name="pool"),
    path("leads/<int:lead_id>/", views.lead_detail, name="detail"),
    path("leads/<int:lead_id>/status/", views.lead_status, name="status"),
    path("leads/<int:lead_id>/remove/", views.lead_remove, name="remove"),
]
