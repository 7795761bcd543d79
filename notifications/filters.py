"""The notifications list's FilterSet (API)."""

import django_filters

from core.api.filters import StrictBooleanFilter

from .models import NotificationKind
from .selectors import notifications_by_read_state


class NotificationFilter(django_filters.FilterSet):
    """`GET /api/v1/notifications/?unread=true|false&kind=…`; unread is the caller's own."""

    unread = StrictBooleanFilter(
        method="filter_unread",
        help_text="true: only unread ones; false: only read ones. Any other value answers 400.",
    )
    kind = django_filters.ChoiceFilter(
        choices=NotificationKind.choices, help_text="Only notifications of this kind."
    )

    def filter_unread(self, queryset, name, value):
        return notifications_by_read_state(queryset, user=self.request.user, unread=value)
