"""Close reasons and the creator's notices when a seller moves, closes or removes their lead.

The set-based writes (sets.py) call `requests_move_prepare` on the leads about to move (the
reason goes on them; their open requests are noted) and `requests_moved_record` after their
statement (the reason goes on those requests, and each creator is told).
"""

from django.core.exceptions import ValidationError

from .. import notices
from ..models import CloseReason, CollaborationRequest, LeadStatus

CLOSE_REASON_TEXT_MAX = 200


def close_reason_parse(value, *, field: str = "close_reason") -> tuple[str, str] | None:
    """`{code, text}` (or a bare code) checked: None when absent, else (code, text); a bad
    value is a ValidationError naming `field`."""
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        value = {"code": value}
    if not isinstance(value, dict):
        raise ValidationError({field: ["Use {code, text}; code is one of the close reasons."]})
    code, text = value.get("code"), value.get("text") or ""
    if code not in CloseReason.values:
        raise ValidationError(
            {field: [f"Unknown code; use one of {', '.join(CloseReason.values)}."]}
        )
    if not isinstance(text, str) or len(text.strip()) > CLOSE_REASON_TEXT_MAX:
        raise ValidationError({field: [f"text: at most {CLOSE_REASON_TEXT_MAX} characters."]})
    return code, text.strip()


def requests_move_prepare(*, moving, closing: bool, close_reason=None) -> list[int]:
    """Before a set-based move or removal, on the leads that will move (`moving`, locked):
    store the close reason when closing or removing, clear an old one when a lead moves on.
    Returns the ids of their open requests, whose creators are told after the move."""
    code, text = close_reason or ("", "")
    if closing and close_reason:
        moving.update(close_reason=code, close_reason_text=text)
    elif not closing:
        moving.exclude(close_reason="").update(close_reason="", close_reason_text="")
    return list(
        CollaborationRequest.objects.filter(is_open=True, lead__in=moving).values_list(
            "pk", flat=True
        )
    )


def requests_moved_record(
    *, request_ids: list[int], status: str = "", removed: bool = False, close_reason=None
) -> int:
    """After the move: the requests of the moved leads carry the close reason, and each
    creator is told (request_status_changed). Returns how many were told."""
    if not request_ids:
        return 0
    code, text = close_reason or ("", "")
    requests = CollaborationRequest.objects.filter(pk__in=request_ids)
    if close_reason and (removed or status == LeadStatus.CLOSED):
        requests.update(close_reason=code, close_reason_text=text)
    told = list(requests.select_related("partner", "creator__user").order_by("pk"))
    notices.notice_requests_moved(
        requests=told, status=status, removed=removed, reason=code, reason_text=text
    )
    return len(told)
