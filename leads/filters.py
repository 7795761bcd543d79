"""The Leads Pool's one FilterSet: the page, the API list and the CSV export all use it."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, When
from django.http import QueryDict
from django.utils import timezone

from core.clock import business_zone, utc_day_bounds
from core.ids import is_id
from creators.models import MAX_FOLLOWERS, Tier

from .models import Lead, LeadSource, LeadStatus, expiring_q

# Half-open ranges [low, high): 10,000 followers belong to 10K–100K.
FOLLOWER_PRESETS = {
    "0-10k": (0, 10_000),
    "10k-100k": (10_000, 100_000),
    "100k-1m": (100_000, 1_000_000),
    "1m-10m": (1_000_000, 10_000_000),
    "10m+": (10_000_000, None),
}
FOLLOWER_CHOICES = [
    ("0-10k", "0–10K"),
    ("10k-100k", "10K–100K"),
    ("100k-1m", "100K–1M"),
    ("1m-10m", "1M–10M"),
    ("10m+", "10M+"),
]
TIER_CHOICES = [(tier.key, tier.label) for tier in Tier.ranked()] + [("none", "Non-tiered")]
ORDERINGS = {
    "-requested_at": ("-requested_at", "-id"),
    "requested_at": ("requested_at", "id"),
    "-followers": ("-creator_follower_count", "-id"),
    "followers": ("creator_follower_count", "id"),
    "-tier": ("-creator_tier", "-requested_at", "-id"),
    "tier": ("creator_tier", "-requested_at", "-id"),
}
ORDERING_CHOICES = [
    ("-requested_at", "Newest request first"),
    ("requested_at", "Oldest request first"),
    ("-followers", "Most followers"),
    ("followers", "Fewest followers"),
    ("-tier", "Highest tier"),
    ("tier", "Lowest tier"),
    ("authorization_expires_at", "Expires soonest"),
    ("next_task_due_at", "Task due soonest"),
]
# `response`: awaiting = a request waits for its first reply (overdue ones included);
# overdue = awaiting and its deadline has passed; answered = the first reply is stamped.
RESPONSE_CHOICES = [
    ("awaiting", "Awaiting a first reply"),
    ("overdue", "First reply overdue"),
    ("answered", "Answered"),
]
DEFAULT_ORDERING = "-requested_at"


class FollowerPresetField(forms.MultipleChoiceField):
    """`10m+` arrives as `10m ` when a client leaves the `+` unescaped in a query string."""

    def to_python(self, value):
        values = super().to_python(value)
        return [v.strip() + "+" if v.strip() == "10m" else v for v in values]


class FollowerPresetFilter(django_filters.MultipleChoiceFilter):
    field_class = FollowerPresetField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class OwnerField(forms.CharField):
    """`me`, `none`, or a user id."""

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        value = value.strip().lower()
        if value in ("me", "none") or (is_id(value) and 0 < int(value) < 2**31):
            return value
        raise forms.ValidationError("Use me, none or a user id.")


class OwnerFilter(django_filters.Filter):
    field_class = OwnerField


class LeadPoolFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("followers_min"), cleaned.get("followers_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "followers_min", f"Minimum followers ({low:,}) is above the maximum ({high:,})."
            )
        after, before = cleaned.get("requested_after"), cleaned.get("requested_before")
        if after and before and after > before:
            self.add_error("requested_after", "The start date is after the end date.")
        return cleaned


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def _day_start(day: dt.date, *, plus_days: int = 0) -> dt.datetime:
    """Midnight UTC: the pool shows request times in UTC, so its date filters read UTC dates
    (one clock: "until Nov 22" never includes a row shown as Nov 23). Clamped first:
    9999-12-31 plus a day, or 0001-01-01, would overflow."""
    return utc_day_bounds(min(max(day, EARLIEST), LATEST) + dt.timedelta(days=plus_days))[0]


DUE_WINDOWS = [("overdue", "Overdue"), ("today", "Due today"), ("upcoming", "Upcoming")]


def due_window_q(window: str, *, field: str, now: dt.datetime) -> Q:
    """A due time in a window: `overdue` (due by now), `today` (later today, the business
    day in core.clock.business_zone) or `upcoming` (from tomorrow on). One rule for the
    pool's `task` filter and follow-up's task lists."""
    tomorrow = now.astimezone(business_zone()).date() + dt.timedelta(days=1)
    day_end = dt.datetime.combine(tomorrow, dt.time(), tzinfo=business_zone())
    if window == "overdue":
        return Q(**{f"{field}__lte": now})
    if window == "today":
        return Q(**{f"{field}__gt": now, f"{field}__lt": day_end})
    return Q(**{f"{field}__gte": day_end})


class LeadPoolFilter(django_filters.FilterSet):
    tier = django_filters.MultipleChoiceFilter(
        choices=TIER_CHOICES, method="filter_tier", label="Creator level"
    )
    followers = FollowerPresetFilter(
        choices=FOLLOWER_CHOICES, method="filter_followers", label="Follower count"
    )
    followers_min = IntegerFilter(
        field_name="creator_follower_count",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_FOLLOWERS,
        label="Min followers",
    )
    followers_max = IntegerFilter(
        field_name="creator_follower_count",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_FOLLOWERS,
        label="Max followers",
    )
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label="Lead source")
    # One lead per row whatever the statuses: no DISTINCT (django-filter's default would make
    # the count a COUNT(*) over a SELECT DISTINCT of every column).
    status = django_filters.MultipleChoiceFilter(
        choices=LeadStatus.choices, distinct=False, label="Status"
    )
    search = django_filters.CharFilter(
        method="filter_search", max_length=64, label="Search name or handle"
    )
    requested_after = django_filters.DateFilter(
        method="filter_requested_after", label="Requested from (UTC date)"
    )
    requested_before = django_filters.DateFilter(
        method="filter_requested_before", label="Requested until (UTC date, inclusive)"
    )
    owner = OwnerFilter(method="filter_owner", label="Owner")
    expiring_within_hours = IntegerFilter(
        method="filter_expiring_within_hours",
        min_value=1,
        max_value=168,
        label="Authorization ends within (hours)",
    )
    response = django_filters.ChoiceFilter(
        choices=RESPONSE_CHOICES, method="filter_response", label="First reply"
    )
    task = django_filters.ChoiceFilter(
        choices=DUE_WINDOWS, method="filter_task", label="Next open task"
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES, method="filter_ordering", label="Sort by", empty_label=None
    )

    class Meta:
        form = LeadPoolFilterForm
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # `owner=me` needs the caller: the API and page pass the request, services the user.
        self.user = user if user is not None else getattr(request, "user", None)
        self.now = timezone.now()

    def filter_owner(self, queryset, name, value):
        if value == "none":
            return queryset.filter(owner__isnull=True)
        if value == "me":
            user_id = getattr(self.user, "pk", None)
            return queryset.filter(owner_id=user_id) if user_id else queryset.none()
        return queryset.filter(owner_id=int(value))

    def filter_expiring_within_hours(self, queryset, name, value):
        return queryset.filter(expiring_q(value, now=self.now))

    def filter_response(self, queryset, name, value):
        if value == "answered":
            return queryset.filter(first_response_at__isnull=False)
        awaiting = queryset.filter(response_due_at__isnull=False, first_response_at__isnull=True)
        return awaiting.filter(response_due_at__lte=self.now) if value == "overdue" else awaiting

    def filter_task(self, queryset, name, value):
        return queryset.filter(due_window_q(value, field="next_task_due_at", now=self.now))

    def filter_tier(self, queryset, name, value):
        tiers = [Tier.NON_TIERED if key == "none" else Tier.from_key(key) for key in value]
        return queryset.filter(creator_tier__in=tiers)

    def filter_followers(self, queryset, name, value):
        ranges = Q()
        for key in value:
            low, high = FOLLOWER_PRESETS[key]
            bounds = Q(creator_follower_count__gte=low)
            if high is not None:
                bounds &= Q(creator_follower_count__lt=high)
            ranges |= bounds
        return queryset.filter(ranges)

    def filter_search(self, queryset, name, value):
        # The lead's own lower-cased copy of handle and name (one per line): no join.
        term = " ".join(value.split()).lstrip("@").lower()
        if not term:
            return queryset
        return queryset.filter(creator_search__contains=term)

    def filter_requested_after(self, queryset, name, value):
        return queryset.filter(requested_at__gte=_day_start(value))

    def filter_requested_before(self, queryset, name, value):
        return queryset.filter(requested_at__lt=_day_start(value, plus_days=1))

    def filter_ordering(self, queryset, name, value):
        if value == "authorization_expires_at":
            # Live authorizations soonest first; expired and never-authorized leads after
            # them, newest request first.
            live_expiry = Case(
                When(authorization_expires_at__gt=self.now, then=F("authorization_expires_at")),
                default=None,
            )
            return queryset.order_by(live_expiry.asc(nulls_last=True), "-requested_at", "-id")
        if value == "next_task_due_at":
            # Soonest open task first; leads without an open task after them, newest first.
            return queryset.order_by(
                F("next_task_due_at").asc(nulls_last=True), "-requested_at", "-id"
            )
        return queryset.order_by(*ORDERINGS[value])


def pool_query_check(params: QueryDict, *, field: str, allowed_extra=frozenset()) -> None:
    """The pool's own validation of a stored or acted-on pool query (saved views, bulk
    actions, rules): ValidationError naming `field` for a parameter the pool does not know
    (a paging key included, unless `allowed_extra`) or a value its FilterSet refuses; the
    messages quote what was sent, encoded (`ascii()`), never the raw text."""
    filterset = LeadPoolFilter(params, queryset=Lead.objects.none())
    unknown = sorted(set(params) - set(filterset.filters) - set(allowed_extra))
    if unknown:
        shown = _encoded(", ".join(unknown[:10]))
        raise ValidationError({field: [f"Unknown pool filter: {shown}."]})
    if not filterset.is_valid():
        raise ValidationError(
            {
                field: [
                    _encoded(f"{name}: {' '.join(messages)}")
                    for name, messages in filterset.form.errors.items()
                ]
            }
        )


def _encoded(message: str) -> str:
    """A message that may echo what was sent, safe to answer: a lone surrogate or other
    character UTF-8 cannot encode becomes its escape."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


CHIP_LABELS = {
    "tier": ("Level", dict(TIER_CHOICES)),
    "followers": ("Followers", dict(FOLLOWER_CHOICES)),
    "followers_min": ("Min followers", None),
    "followers_max": ("Max followers", None),
    "source": ("Source", dict(LeadSource.choices)),
    "status": ("Status", dict(LeadStatus.choices)),
    "search": ("Search", None),
    "requested_after": ("Requested from (UTC)", None),
    "requested_before": ("Requested until (UTC)", None),
    "owner": ("Owner", {"me": "Assigned to me", "none": "Unassigned"}),
    "expiring_within_hours": ("Authorization expires within {} h", None),
    "response": ("First reply", dict(RESPONSE_CHOICES)),
    "task": ("Task", dict(DUE_WINDOWS)),
}


def active_filter_chips(params, owners: dict | None = None) -> list[dict]:
    """The filters in a query string as removable chips: each has a label and the query
    string without that one value (sorting and page size stay; the page goes back to 1).
    `owners` names the staff user ids an `owner` filter may hold (id as text -> name)."""
    chips = []
    for key, (name, choices) in CHIP_LABELS.items():
        if key == "owner":
            choices = {**choices, **(owners or {})}
        for value in params.getlist(key):
            if not value:
                continue
            rest = params.copy()
            rest.setlist(key, [v for v in params.getlist(key) if v != value])
            rest.pop("page", None)
            text = choices.get(value, value) if choices else value
            # A label with a slot reads as a phrase ("Authorization expires within 24 h").
            label = name.format(text) if "{}" in name else f"{name}: {text}"
            chips.append({"label": label, "query": rest.urlencode()})
    return chips
