from django.urls import path

from .pages import bulk, detail, pool, saved_views, undo

app_name = "leads"

urlpatterns = [
    path("leads/", pool.pool, name="pool"),
    path("leads/bulk/", bulk.leads_bulk, name="bulk"),
    path("leads/views/", saved_views.saved_view_create, name="saved_view_create"),
    path(
        "leads/views/<int:view_id>/delete/", saved_views.saved_view_delete, name="saved_view_delete"
    ),
    path("leads/<int:lead_id>/", detail.lead_detail, name="detail"),
    path("dashboard/", pool.dashboard, name="dashboard"),
    path("leads/<int:lead_id>/status/", pool.lead_status, name="status"),
    path("leads/<int:lead_id>/remove/", pool.lead_remove, name="remove"),
    path("leads/<int:lead_id>/restore/", undo.lead_restore, name="restore"),
    path("leads/<int:lead_id>/assign/", undo.lead_owner_row, name="row_owner"),
    path("leads/undo/", undo.leads_undo, name="undo"),
    path("leads/filters-panel/", undo.pool_filters_panel, name="filters_panel"),
    path("leads/<int:lead_id>/owner/", detail.lead_owner, name="owner"),
    path("leads/<int:lead_id>/notes/", detail.note_add, name="note_add"),
    path("leads/<int:lead_id>/notes/<int:note_id>/", detail.note_edit, name="note_edit"),
    path("leads/<int:lead_id>/notes/<int:note_id>/delete/", detail.note_delete, name="note_delete"),
]
