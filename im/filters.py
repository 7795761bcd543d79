"""FilterSets for IM lists."""

import django_filters

from core.api.filters import StrictBooleanFilter


class ThreadFilter(django_filters.FilterSet):
    """`GET /api/v1/im/threads/?is_lead=true|false`; filters the selectors' `is_lead` flag."""

    is_lead = StrictBooleanFilter(
        field_name="is_lead",
        help_text="Only threads whose creator is (true) or is not (false) in the partner's "
        "Leads Pool (removed leads do not count). Any other value answers 400.",
    )
