"""Reads of the lead detail: the lead itself, its neighbours in the pool the seller came from
(Previous / Next, `j` / `k`), and the leads' part of its timeline (history and notes).

Never imports services. Each read is a fixed number of queries whatever the pool's size or
the lead's history: the neighbours are keyset reads on the pool's sort key and id (one row
each), the timeline one page per table.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, Q, When

from core.cursors import cursor_parse, cursor_text

from .filters import DEFAULT_ORDERING, ORDERINGS, LeadPoolFilter
from .models import Lead, LeadEvent, LeadNote
from .selectors import lead_workspace_fields


def lead_detail_get(*, partner, lead_id) -> Lead:
    """One of the partner's leads, in the pool or removed, with what its detail shows (the
    creator, the owner, who added it, the workspace fields) in one query."""
    leads = Lead.objects.filter(partner=partner).select_related("creator", "added_by")
    return lead_workspace_fields(leads).get(pk=lead_id)


# ---------------------------------------------------------------------------------------
# Neighbours: the lead before and after this one in the pool's order, for the same filters.

# A sort key: (field, descending, nullable). A nullable key sorts its nulls last going up
# (the pool's "soonest first" keys), so first going down.
_LIVE_EXPIRY = "live_expiry"
_SPECIAL_KEYS = {
    "authorization_expires_at": [(_LIVE_EXPIRY, False, True)],
    "next_task_due_at": [("next_task_due_at", False, True)],
}
_TIE_BREAK = [("requested_at", True, False), ("id", True, False)]


def _sort_keys(ordering: str) -> list[tuple[str, bool, bool]]:
    """The pool's ORDER BY for `ordering` (filters.py) as sort keys."""
    if ordering in _SPECIAL_KEYS:
        return _SPECIAL_KEYS[ordering] + _TIE_BREAK
    return [(name.lstrip("-"), name.startswith("-"), False) for name in ORDERINGS[ordering]]


def _none() -> Q:
    return Q(pk__in=[])


def _beyond(field: str, descending: bool, nullable: bool, value) -> Q:
    """Rows strictly after `value` on one key, in that key's direction."""
    if nullable and not descending:  # up, nulls last
        return _none() if value is None else Q(**{f"{field}__gt": value}) | Q(**{field: None})
    if nullable:  # down, nulls first
        return Q(**{f"{field}__isnull": False}) if value is None else Q(**{f"{field}__lt": value})
    return Q(**{f"{field}__{'lt' if descending else 'gt'}": value})


def _keyset_after(keys, values) -> Q:
    """Rows after the one with `values`, in the order of `keys`: (k1 beyond) OR (k1 equal AND
    k2 beyond) OR …; the first key's bound is repeated alone so an index range starts there."""
    after, equal = _none(), Q()
    for (field, descending, nullable), value in zip(keys, values, strict=True):
        after |= equal & _beyond(field, descending, nullable, value)
        equal &= Q(**{field: value}) if value is not None else Q(**{f"{field}__isnull": True})
    field, descending, nullable = keys[0]
    if not nullable:
        after &= Q(**{f"{field}__{'lte' if descending else 'gte'}": values[0]})
    return after


def _order_by(keys) -> list:
    exprs = []
    for field, descending, nullable in keys:
        if nullable:
            expr = F(field).desc(nulls_first=True) if descending else F(field).asc(nulls_last=True)
        else:
            expr = F(field).desc() if descending else F(field).asc()
        exprs.append(expr)
    return exprs


def _key_values(lead: Lead, keys, now: dt.datetime) -> list:
    values = []
    for field, _descending, _nullable in keys:
        if field == _LIVE_EXPIRY:
            expires = lead.authorization_expires_at
            values.append(expires if expires is not None and expires > now else None)
        else:
            values.append(getattr(lead, "pk" if field == "id" else field))
    return values


def lead_neighbours(*, partner, lead: Lead, params, user) -> dict | None:
    """The leads just before and after `lead` in the partner's pool filtered and sorted by
    the pool query `params` (a QueryDict): `{"previous": {...} | None, "next": … }`, each
    `{"pk", "handle"}`; None when the query is not a valid pool query.

    Two queries of one row each, whatever the pool's size. The lead need not match the
    filters any more (a status change may have taken it out): its place in the order is its
    sort key, so Next still goes on from where it stood.
    """
    filterset = LeadPoolFilter(
        params, queryset=Lead.objects.in_pool().filter(partner=partner), user=user
    )
    if not filterset.is_valid():
        return None
    ordering = filterset.form.cleaned_data.get("ordering") or DEFAULT_ORDERING
    keys = _sort_keys(ordering)
    leads = filterset.qs.order_by()
    if ordering == "authorization_expires_at":
        leads = leads.annotate(
            live_expiry=Case(
                When(
                    authorization_expires_at__gt=filterset.now, then=F("authorization_expires_at")
                ),
                default=None,
            )
        )
    values = _key_values(lead, keys, filterset.now)
    backwards = [(field, not descending, nullable) for field, descending, nullable in keys]
    found = {}
    for name, direction in (("previous", backwards), ("next", keys)):
        found[name] = (
            leads.filter(_keyset_after(direction, values))
            .exclude(pk=lead.pk)
            .order_by(*_order_by(direction))
            .values("pk", handle=F("creator__handle"))
            .first()
        )
    return found


# ---------------------------------------------------------------------------------------
# The timeline: history events and notes here, IM messages from the im app, one stream.

TIMELINE_PAGE = 50
TIMELINE_KINDS = ("all", "history", "notes", "messages")
# Within the same instant: the event first, then the note, then a message.
RANK = {"history": 0, "notes": 1, "messages": 2}


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # history, notes or messages
    at: dt.datetime
    pk: int
    item: Any

    @property
    def sort_key(self) -> tuple:
        return (self.at, RANK[self.kind], self.pk)

    @property
    def cursor(self) -> str:
        return f"{self.kind[0]}{cursor_text(self.at, self.pk)}"


def timeline_cursor_parse(raw: str | None) -> tuple[dt.datetime, int, int] | None:
    """`(time, rank, id)` of a timeline cursor (`h…`, `n…` or `m…` then `core.cursors`'
    form), or None (the newest page) for anything else."""
    raw = raw or ""
    rank = {"h": 0, "n": 1, "m": 2}.get(raw[:1])
    parsed = cursor_parse(raw[1:]) if rank is not None else None
    return (parsed[0], rank, parsed[1]) if parsed else None


def timeline_before_q(kind: str, before: tuple[dt.datetime, int, int] | None, at: str) -> Q:
    """Rows of one kind older than the cursor, in the timeline's (time, rank, id) order."""
    if before is None:
        return Q()
    when, rank, pk = before
    own = RANK[kind]
    if own < rank:
        return Q(**{f"{at}__lte": when})
    if own > rank:
        return Q(**{f"{at}__lt": when})
    return Q(**{f"{at}__lt": when}) | Q(**{at: when, "pk__lt": pk})


def lead_timeline_entries(
    *, lead: Lead, kind: str, before=None, limit: int = TIMELINE_PAGE
) -> list[TimelineEntry]:
    """The newest `limit` + 1 history events and notes of the lead older than `before`
    (`kind` all, history or notes), newest first: one query per table. In "all", a note
    stands for its own "note added" event."""
    entries = []
    if kind in ("all", "history"):
        events = lead.events.filter(timeline_before_q("history", before, "created_at"))
        if kind == "all":
            events = events.exclude(kind=LeadEvent.Kind.NOTE_ADDED)
        events = events.select_related("actor", "from_owner", "to_owner").order_by(
            "-created_at", "-id"
        )[: limit + 1]
        entries += [TimelineEntry("history", event.created_at, event.pk, event) for event in events]
    if kind in ("all", "notes"):
        notes = (
            LeadNote.objects.alive()
            .filter(timeline_before_q("notes", before, "created_at"), lead=lead)
            .select_related("author")
            .order_by("-created_at", "-id")[: limit + 1]
        )
        entries += [TimelineEntry("notes", note.created_at, note.pk, note) for note in notes]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
