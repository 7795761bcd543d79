from django import forms


class CollaborationRequestForm(forms.Form):
    message = forms.CharField(
        label="Message to the partner",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        max_length=2000,
        required=False,
        help_text="Introduce yourself: your categories, your LIVE schedule, what you're after.",
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Tick the box to let the partner see your licensed data for 7 days."
        },
    )
