from django import forms

MESSAGE_MAX_LENGTH = 2000


class CollaborationRequestForm(forms.Form):
    """Request to Collaborate: a message and the explicit 7-day licensed-data consent."""

    message = forms.CharField(
        label="Message to the partner",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text="Introduce yourself: your categories, your LIVE schedule, what you're after. "
        "Up to 2,000 characters.",
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Tick the box to let the partner see your licensed data for 7 days."
        },
    )

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        who = partner.name if partner is not None else "the partner"
        self.fields["consent"].label = (
            f"I allow {who} to see my licensed data (30-day LIVE GMV, LIVE sessions, "
            "average viewers, top categories) for 7 days"
        )
