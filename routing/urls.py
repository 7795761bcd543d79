from django.urls import path

from . import pages

app_name = "routing"

urlpatterns = [
    path("", pages.settings_page, name="settings"),
    path("response-target/", pages.response_target_set, name="response_target"),
    path("away/", pages.away_set, name="away"),
    path("rules/", pages.rule_create, name="rule_create"),
    path("rules/<int:rule_id>/", pages.rule_update, name="rule_update"),
    path("rules/<int:rule_id>/delete/", pages.rule_delete, name="rule_delete"),
    path("rules/<int:rule_id>/move/", pages.rule_move, name="rule_move"),
    path("rules/<int:rule_id>/active/", pages.rule_active_set, name="rule_active"),
]
