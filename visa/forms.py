import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.countries import country_formfield

from . import services

PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LetterRequestForm(forms.Form):
    passport_name = forms.CharField(
        label=_("Name exactly as in your passport"),
        max_length=150,
        help_text=_("In Latin script, as printed on the passport's data page."),
    )
    nationality = country_formfield(label=_("Nationality (the passport's country)"))
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    passport_expires_on = forms.DateField(label=_("Passport valid until"), widget=DateInput())
    entry_on = forms.DateField(label=_("Intended date of entry into China"), widget=DateInput())
    exit_on = forms.DateField(label=_("Intended date of exit from China"), widget=DateInput())
    consular_post = forms.CharField(
        label=_("Chinese embassy or consulate where you will apply"),
        max_length=200,
        help_text=_("For example: Embassy of China in Berlin"),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the forum stores my passport number and date of birth, encrypted, "
            "only to issue this invitation letter; only the visa desk sees them, and they are "
            "deleted after the forum."
        ),
        required=True,
    )

    def __init__(self, *args, forum=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Your passport"),
                "passport_name",
                "nationality",
                "passport_number",
                "date_of_birth",
                "passport_expires_on",
            ),
            Fieldset(_("Your stay"), "entry_on", "exit_on", "consular_post"),
            Fieldset(_("Consent"), "consent"),
        )
        self.helper.add_input(Submit("submit", _("Ask for the letter")))

    def clean_passport_number(self):
        value = re.sub(r"[\s-]", "", self.cleaned_data["passport_number"]).upper()
        if not PASSPORT_NUMBER.fullmatch(value):
            raise forms.ValidationError(_("A passport number has 5 to 20 letters and digits."))
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if value >= today or value.year < today.year - 120:
            raise forms.ValidationError(_("Enter your real date of birth."))
        return value

    def clean(self):
        data = super().clean()
        nationality = data.get("nationality") or ""
        if guidance := services.guidance_for(nationality):
            self.add_error("nationality", guidance)
            return data
        entry, exit_ = data.get("entry_on"), data.get("exit_on")
        if entry and exit_ and exit_ <= entry:
            self.add_error("exit_on", _("The exit must come after the entry."))
            return data
        errors = services.check_request(
            self.forum,
            nationality=data.get("nationality") or "",
            passport_expires_on=data.get("passport_expires_on"),
            entry_on=entry,
            exit_on=exit_,
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(None if field == "__all__" else field, message)
        return data


class ReviewForm(forms.Form):
    """The visa desk's decision on one request (admin change page)."""

    DECISIONS = [
        ("approve", _("Approve and issue the letter")),
        ("changes", _("Ask the delegate for changes")),
        ("reject", _("Reject")),
        ("revoke", _("Revoke the issued letter")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    message = forms.CharField(
        label=_("Reason or what to change (the delegate reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
