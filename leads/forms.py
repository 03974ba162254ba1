from django import forms
from django.utils.translation import gettext_lazy as _

from delegates.forms import ScanForm as DeskScanForm

from .models import Lead


class ScanForm(DeskScanForm):
    """The desk's scan field: a USB scanner's Enter submits; typed short codes in capitals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs["autocapitalize"] = "characters"


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
