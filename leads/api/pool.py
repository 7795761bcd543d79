"""REST API of the Leads Pool (sellers): list, detail, status and CSV export."""

from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.clock import business_today
from core.ids import is_id
from core.replica import ReplicaReadsMixin, replica_stream
from core.roles import IsSeller, seller_partner

from .. import selectors, services
from ..export import lead_csv_lines
from ..filters import LeadPoolFilter
from ..models import Lead, LeadStatus
from ..serializers import (
    LeadBulkResultSerializer,
    LeadBulkSerializer,
    LeadEventSerializer,
    LeadSerializer,
    LeadStatsSerializer,
    LeadStatusSerializer,
)
from ..services.closing import close_reason_parse
from ..services.restore import leads_restore
from . import pool_cache


def _lead_any(request, pk):
    """The caller's partner's lead (in the pool or removed); anything else is a 404."""
    if not is_id(pk):
        raise Http404
    try:
        return selectors.lead_get_any(partner=seller_partner(request.user), lead_id=int(pk))
    except Lead.DoesNotExist:
        raise Http404 from None


class CSVRenderer(renderers.BaseRenderer):
    """Lets a client ask for `text/csv`; errors (400 naming the filter) still render as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


class LeadViewSet(
    ReplicaReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The seller's own partner's Leads Pool; another partner's lead answers 404.

    The list, the export and the page share `LeadPoolFilter`; an invalid filter answers 400
    with `errors` naming the parameter.
    """

    permission_classes = [IsSeller]
    serializer_class = LeadSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LeadPoolFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Read-only lists go to the replica when one is configured (core/replica.py).
    replica_actions = frozenset({"list", "export", "stats"})

    @extend_schema(
        description=(
            "The seller's Leads Pool, newest request first. Filters combine with AND; repeated "
            "`tier`, `followers` and `status` values combine with OR. Follower presets are "
            "half-open: 10,000 followers belong to `10k-100k`. `followers_min` and "
            "`followers_max` are inclusive. An invalid value answers 400 naming the parameter."
        )
    )
    def list(self, request, *args, **kwargs):
        # The filter backend's work, done here so the count can come from the pool's count
        # cache (exact: keyed by the partner's pool version).
        # A page served before is reused exactly while it cannot differ (pool_cache.py).
        partner = seller_partner(request.user)
        key = pool_cache.list_cache_key(request, partner)
        hit = pool_cache.list_cache_get(key) if key else None
        # Under it, which leads the page holds, keyed by the count version its question
        # depends on: a write that moves no count (a note, an owner) keeps it, and the page
        # is carried over (none of its rows changed) or rebuilt from its ids with one
        # primary-key query (no filterset, count or walk).
        ids_key = pool_cache.ids_cache_key(request, partner) if key and hit is None else None
        if hit is None and ids_key:
            hit = pool_cache.list_cache_carry(
                key,
                ids_key=ids_key,
                request=request,
                partner=partner,
                rows_of=lambda ids: self._rows_of(partner, ids),
            )
        claimed = False
        if hit is None and key:
            # Many asking at once for a page no one has (a write moved its question): one
            # computes it, the others wait for it (pool_cache.list_cache_claim).
            hit, claimed = pool_cache.list_cache_claim(key)
        if hit is not None:
            count, number, rows = hit
            pool_cache.cached_page(self.paginator, request, count=count, number=number)
            return self.get_paginated_response(rows)
        try:
            return self._list_computed(request, partner, key, ids_key)
        finally:
            if claimed:
                pool_cache.list_cache_unclaim(key)

    def _list_computed(self, request, partner, key, ids_key):
        known = pool_cache.ids_cache_get(ids_key) if ids_key else None
        if known is not None:
            count, number, ids = known
            pool_cache.cached_page(self.paginator, request, count=count, number=number)
            page = pool_cache.page_from_ids(selectors.lead_pool(partner=partner), ids)
        else:
            filterset = selectors.lead_pool_filterset(
                partner=partner, params=request.query_params, request=request
            )
            if not filterset.is_valid():
                raise translate_validation(filterset.errors)
            count = selectors.lead_pool_count(partner=partner, filterset=filterset)
            page = self.paginator.paginate_queryset(filterset.qs, request, view=self, count=count)
            if ids_key:
                pool_cache.ids_cache_set(
                    ids_key,
                    count=count,
                    number=self.paginator.page.number,
                    ids=[lead.pk for lead in page],
                )
        serializer = self.get_serializer(page, many=True)
        rows = serializer.data
        if key:
            pool_cache.list_cache_set(
                key,
                ids_key=ids_key,
                request=request,
                partner=partner,
                count=count,
                number=self.paginator.page.number,
                rows=rows,
                leads=page,
                shown_at=serializer.context["now"],
            )
        return self.get_paginated_response(rows)

    def _rows_of(self, partner, ids):
        """The rows of these pool leads as the list shows them now, by id, and until when they
        may be served; None if one is no longer in the pool."""
        if len(ids) == 1:  # the common case (one write since): the compiled single read
            try:
                leads = [selectors.lead_get(partner=partner, lead_id=ids[0])]
            except Lead.DoesNotExist:
                return None
        else:
            leads = pool_cache.page_from_ids(selectors.lead_pool(partner=partner), ids)
        if len(leads) != len(ids):
            return None
        serializer = self.get_serializer(leads, many=True)
        rows = {lead.pk: row for lead, row in zip(leads, serializer.data, strict=True)}
        return rows, pool_cache.valid_until_of(leads, serializer.context["now"])

    def get_queryset(self):
        # The list and the detail show the per-lead owner/message/notes columns. The export
        # streams every row without them, and a change reads its lead without them (its answer
        # is read again after the write).
        return selectors.lead_pool(
            partner=seller_partner(self.request.user),
            workspace=self.action in ("list", "retrieve"),
        )

    def get_serializer_class(self):
        if self.action == "events":
            return LeadEventSerializer
        if self.action == "bulk":
            return LeadBulkSerializer
        return super().get_serializer_class()

    def filter_queryset(self, queryset):
        # The pool's filters select what the list, the export and the detail show; a change
        # (PATCH) finds its lead by id alone, as `events`, `restore` and `bulk` do.
        if self.action in ("events", "bulk", "partial_update"):
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        request=LeadStatusSerializer,
        responses={200: LeadSerializer},
        description=(
            "Move a lead through the pipeline (`status`) and/or assign it (`owner`: a user id "
            "of your partner's staff, or null for no owner). Both in one body apply together "
            "or not at all. Any other field answers 400 naming it (nothing is silently "
            "ignored); a status the pipeline does not allow from the current one answers 400 "
            "naming `status`; an owner who is not your partner's staff answers 400 naming "
            "`owner`. The new owner gets a `lead_assigned` notification and an email."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        lead = self.get_object()
        unknown = (
            sorted(set(request.data) - {"status", "owner", "close_reason"})
            if hasattr(request.data, "keys")
            else []
        )
        if unknown:
            raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
        body = LeadStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = body.validated_data
        if not changes:
            raise ValidationError({"status": ["Send `status` and/or `owner`."]})
        with transaction.atomic():
            if "owner" in changes:
                owner_id = changes["owner"]
                owner = (
                    None
                    if owner_id is None
                    else services.staff_member(partner_id=lead.partner_id, user_id=owner_id)
                )
                lead = services.lead_assign(lead=lead, owner=owner, user=request.user)
            if "status" in changes:
                reason = close_reason_parse(request.data.get("close_reason"))
                if reason and changes["status"] != LeadStatus.CLOSED:
                    raise ValidationError({"close_reason": ["Only when the status is closed."]})
                lead = services.lead_set_status(
                    lead=lead, status=changes["status"], user=request.user, close_reason=reason
                )
        lead = selectors.lead_get(partner=seller_partner(request.user), lead_id=lead.pk)
        return Response(LeadSerializer(lead, context=self.get_serializer_context()).data)

    @extend_schema(
        responses={200: LeadEventSerializer(many=True)},
        filters=False,
        description=(
            "The lead's history, newest first: `kind` (added, requested, renewed, message, "
            "removed, restored, status_changed, assigned, note_added, note_deleted, "
            "authorization_expired), `at`, `actor` (username, or null for a job), "
            "`from_status`/`to_status` and `from_owner`/`to_owner` where they apply, and "
            "`text` (the creator's message for requested, renewed and message). A lead "
            "removed from the pool keeps its history here."
        ),
    )
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        lead = _lead_any(request, pk)
        page = self.paginate_queryset(selectors.lead_events(lead=lead))
        return self.get_paginated_response(LeadEventSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={200: LeadSerializer},
        filters=False,
        description=(
            "Put a removed lead back in the Leads Pool as it was: the same status, owner, "
            "source and request time, with a `restored` history event (an authorization that "
            "ended while it was out stays ended). A lead already in the pool is answered as "
            "it is, unchanged. Another partner's lead answers 404."
        ),
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        lead = _lead_any(request, pk)
        partner = seller_partner(request.user)
        leads_restore(partner=partner, lead_ids=[lead.pk], user=request.user)
        lead = selectors.lead_get(partner=partner, lead_id=lead.pk)
        return Response(self.get_serializer(lead).data)

    @extend_schema(
        request=LeadBulkSerializer,
        responses={200: LeadBulkResultSerializer},
        filters=False,
        description=(
            "Apply one action to many leads at once, in one transaction with one history "
            "event per changed lead: `set_status` (with `status`), `assign` (with `owner`, a "
            "staff user id or null) or `remove`. Choose the leads by `ids` (at most 10,000, "
            "all in your pool: any other id answers 400 naming `ids` and changes nothing) or "
            "by `filters`, the pool's query parameters as an object (every matching lead). "
            "Answers `updated`, the leads changed; for set_status, a lead already in the "
            "status is left as it is and one the pipeline cannot move there (for example "
            "collaborating to new) is left as it is and counted in `skipped`."
        ),
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        body = LeadBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = services.leads_bulk_apply(
            partner=seller_partner(request.user),
            user=request.user,
            action=data["action"],
            ids=data.get("ids"),
            filters=data.get("filters"),
            status=data.get("status"),
            owner_id=data.get("owner"),
            close_reason=data.get("close_reason"),
        )
        return Response(
            LeadBulkResultSerializer({"updated": result.updated, "skipped": result.skipped}).data
        )

    @extend_schema(
        operation_id="leads_stats",
        filters=True,
        responses={200: LeadStatsSerializer},
        description=(
            "The pipeline in figures for the leads the same filters list (`ordering`, `page` "
            "and `page_size` are ignored): totals by status, source and tier, the share that "
            "reached collaborating by source (and by tier), requests per day over the last 30 "
            "days and authorizations expiring per day over the next 7, by UTC date."
        ),
    )
    @action(detail=False)
    def stats(self, request):
        partner = seller_partner(request.user)
        filterset = selectors.lead_pool_filterset(
            partner=partner, params=request.query_params, request=request, workspace=False
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        stats = selectors.lead_stats(partner=partner, filterset=filterset)
        return Response(LeadStatsSerializer(stats).data)

    @extend_schema(
        operation_id="leads_export_csv",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description=(
                    "Every lead matching the filters, one per row, in the list's order; "
                    "`page` and `page_size` are ignored. Columns: handle, display_name, tier, "
                    "followers, source, status, requested_at, authorization_expires_at, "
                    "live_gmv_30d, live_sessions_30d, average_viewers, top_categories (the "
                    "licensed columns are empty once the authorization has expired)."
                ),
            )
        },
        description="CSV of exactly the leads the same filters list (all pages), streamed.",
    )
    @action(
        detail=False,
        url_path="export.csv",
        renderer_classes=[renderers.JSONRenderer, CSVRenderer],
    )
    def export(self, request):
        leads = self.filter_queryset(self.get_queryset())
        partner = seller_partner(request.user)
        filename = f"leads-{partner.slug}-{business_today():%Y-%m-%d}.csv"
        response = StreamingHttpResponse(
            replica_stream(
                lead_csv_lines(leads.iterator(chunk_size=2000)), enabled=self.reads_on_replica()
            ),
            content_type="text/csv",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
