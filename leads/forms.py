from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Lead


class ScanForm(forms.Form):
    """What a USB scanner types (it ends with Enter), the camera fills in, or staff type."""

    token = forms.CharField(
        label=_("Badge code"),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control form-control-lg",
            }
        ),
    )


class LeadForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=[("", _("not rated")), *Lead.Rating.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Separated by commas, e.g. distributor, follow up"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
