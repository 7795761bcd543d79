"""`GET /api/v1/tasks/` filters: assignee=me|<id>, due=overdue|today|upcoming, done."""

import django_filters
from django import forms
from django.utils import timezone

from core.api.filters import StrictBooleanFilter
from core.ids import is_id
from leads.filters import DUE_WINDOWS, due_window_q


class AssigneeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        value = value.strip().lower()
        if value == "me" or (is_id(value) and 0 < int(value) < 2**31):
            return value
        raise forms.ValidationError("Use me or a user id.")


class AssigneeFilter(django_filters.Filter):
    field_class = AssigneeField


class TaskFilter(django_filters.FilterSet):
    assignee = AssigneeFilter(method="filter_assignee", help_text="me, or a staff user's id.")
    due = django_filters.ChoiceFilter(
        choices=DUE_WINDOWS,
        method="filter_due",
        help_text="overdue (due by now), today (later this business day), upcoming.",
    )
    done = StrictBooleanFilter(method="filter_done", help_text="Done (true) or open (false).")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)
        self.now = timezone.now()

    def filter_assignee(self, queryset, name, value):
        user_id = getattr(self.user, "pk", None) if value == "me" else int(value)
        return queryset.filter(assignee_id=user_id) if user_id else queryset.none()

    def filter_due(self, queryset, name, value):
        return queryset.filter(due_window_q(value, field="due_at", now=self.now))

    def filter_done(self, queryset, name, value):
        return queryset.filter(done_at__isnull=not value)
