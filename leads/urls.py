from django.urls import path

from . import views
from .pages import detail

app_name = "leads"

urlpatterns = [
    path("leads/", views.pool, name="pool"),
    path("leads/<int:lead_id>/", detail.lead_detail, name="detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("leads/<int:lead_id>/status/", views.lead_status, name="status"),
    path("leads/<int:lead_id>/remove/", views.lead_remove, name="remove"),
]
