from django import forms
from django.conf import settings

MESSAGE_MAX_LENGTH = 2000


class CollaborationRequestForm(forms.Form):
    """Request to Collaborate: a message and the explicit licensed-data consent, for the
    AUTHORIZATION_DAYS the partner may see the data."""

    message = forms.CharField(
        label="Message to the partner",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text="Introduce yourself: your categories, your LIVE schedule, what you're after. "
        "Up to 2,000 characters.",
    )
    consent = forms.BooleanField(required=True)

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        who = partner.name if partner is not None else "the partner"
        days = settings.AUTHORIZATION_DAYS
        self.fields["consent"].label = (
            f"I allow {who} to see my licensed data (30-day LIVE GMV, LIVE sessions, "
            f"average viewers, top categories) for {days} days"
        )
        self.fields["consent"].error_messages["required"] = (
            f"Tick the box to let the partner see your licensed data for {days} days."
        )
