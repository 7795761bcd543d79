"""A partner's response target and a seller's away flag."""

from django.core.exceptions import ValidationError
from django.db import transaction

from creators.models import Partner, PartnerStaff

TARGET_MIN, TARGET_MAX = 1, 168


@transaction.atomic
def partner_response_target_set(*, partner: Partner, hours) -> Partner:
    """Set the partner's response target: whole hours from 1 to 168; new requests' deadlines
    use it (open requests keep the deadline they were given)."""
    if isinstance(hours, bool) or not isinstance(hours, int):
        raise ValidationError({"response_target_hours": ["A number of hours, from 1 to 168."]})
    if not TARGET_MIN <= hours <= TARGET_MAX:
        raise ValidationError(
            {"response_target_hours": [f"Use a number of hours from {TARGET_MIN} to {TARGET_MAX}."]}
        )
    Partner.objects.filter(pk=partner.pk).update(response_target_hours=hours)
    partner.response_target_hours = hours
    return partner


@transaction.atomic
def staff_away_set(*, user, away) -> PartnerStaff:
    """Mark a seller away (assignment rules skip them) or back; only a partner's staff can."""
    if not isinstance(away, bool):
        raise ValidationError({"away": ["Away is true or false."]})
    staff = PartnerStaff.objects.filter(user_id=getattr(user, "pk", None)).first()
    if staff is None:
        raise ValidationError({"away": ["Only a partner's sellers can mark themselves away."]})
    PartnerStaff.objects.filter(pk=staff.pk).update(away=away)
    staff.away = away
    try:
        user.partner_staff.away = away  # the copy loaded with the user, for this request
    except PartnerStaff.DoesNotExist:  # pragma: no cover - checked above
        pass
    return staff
