from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.countries import CHOOSE, country_formfield
from core.legal import consent_label

from . import services
from .models import Category, Delegation


def _helper(submit_label, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = True
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


class PhotoField(forms.FileField):
    """A PNG/JPEG photo, re-encoded (EXIF stripped) while the form is cleaned."""

    widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        try:
            return services.clean_photo(upload)
        except services.RegistrationError as exc:
            raise forms.ValidationError(str(exc)) from exc


def lead_consent_label():
    """The optional consent to share one's contact with exhibitors, linking to both pages."""
    return consent_label(
        _(
            "Let exhibitors I allow to scan my badge receive my name, organization, title, "
            'country and e-mail (optional; <a href="{privacy}">privacy notice</a>, '
            '<a href="{terms}">terms of participation</a>).'
        )
    )


LEAD_CONSENT_HELP = _(
    "You can change this at any time on My registration, and withdraw it from one exhibitor or "
    "from all."
)


class LeadConsentForm(forms.Form):
    consents_to_leads = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consents_to_leads"].label = lead_consent_label()


class DetailsMixin(forms.Form):
    name = forms.CharField(label=_("Name in Latin script"), max_length=150)
    name_zh = forms.CharField(label=_("Name in Chinese (optional)"), max_length=60, required=False)
    organization = forms.CharField(label=_("Organization"), max_length=200)
    title = forms.CharField(label=_("Title or position"), max_length=200, required=False)
    country = country_formfield(label=_("Country or territory"))


class RegistrationForm(DetailsMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=CHOOSE,
        help_text=_("Invited? Enter your code below instead."),
    )
    code = forms.CharField(label=_("Invitation code"), max_length=20, required=False)
    photo = PhotoField(
        label=_("Photo for your badge (optional)"),
        required=False,
        help_text=_("PNG or JPEG, at most 5 MB. Location and camera data are removed."),
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )
    accepts_terms = forms.BooleanField(required=True)
    consents_to_sensitive_data = forms.BooleanField(required=False)
    consents_to_leads = forms.BooleanField(required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        # Labels with links to the pages, built per request in its language.
        self.fields["accepts_terms"].label = consent_label(
            _(
                'I accept the <a href="{terms}">terms of participation</a> and the '
                '<a href="{privacy}">privacy notice</a>.'
            )
        )
        self.fields["consents_to_sensitive_data"].label = consent_label(
            _(
                "I separately consent to the processing of my photo, dietary and accessibility "
                "needs, which are sensitive personal information, for accreditation and catering "
                '(<a href="{privacy}">privacy notice</a>, <a href="{terms}">terms of '
                "participation</a>)."
            )
        )
        self.fields["consents_to_leads"].label = lead_consent_label()
        self.fields["consents_to_leads"].help_text = LEAD_CONSENT_HELP
        self.helper = _helper(
            _("Register"),
            Fieldset(_("Category"), "category", "code"),
            Fieldset(_("About you"), "name", "name_zh", "organization", "title", "country"),
            Fieldset(
                _("Sensitive personal information (optional)"),
                "photo",
                "dietary_needs",
                "accessibility_needs",
            ),
            Fieldset(
                _("Consents"), "accepts_terms", "consents_to_sensitive_data", "consents_to_leads"
            ),
        )
        self.helper.form_id = "registration-form"
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("category") and not cleaned.get("code", "").strip():
            self.add_error("category", _("Choose a category or enter an invitation code."))
        sensitive = (
            cleaned.get("photo")
            or cleaned.get("dietary_needs", "").strip()
            or cleaned.get("accessibility_needs", "").strip()
        )
        if sensitive and not cleaned.get("consents_to_sensitive_data"):
            self.add_error(
                "consents_to_sensitive_data",
                _(
                    "A photo, dietary or accessibility needs are sensitive personal information: "
                    "give your separate consent, or leave them empty."
                ),
            )
        return cleaned

    def registration_data(self) -> services.RegistrationData:
        c = self.cleaned_data
        return services.RegistrationData(
            name=c["name"],
            name_zh=c["name_zh"],
            organization=c["organization"],
            title=c["title"],
            country=c["country"],
            dietary_needs=c["dietary_needs"],
            accessibility_needs=c["accessibility_needs"],
            photo=c["photo"] or None,
            accepts_terms=c["accepts_terms"],
            consents_to_sensitive_data=c["consents_to_sensitive_data"],
            consents_to_leads=c["consents_to_leads"],
        )


class DetailsForm(DetailsMixin, forms.Form):
    """The public details of a registration, for its person or their coordinator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class SensitiveDataForm(forms.Form):
    photo = PhotoField(label=_("New photo"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )
    consents_to_sensitive_data = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consents_to_sensitive_data"].label = consent_label(
            _(
                "I consent to the processing of my photo, dietary and accessibility needs "
                '(<a href="{privacy}">privacy notice</a>, <a href="{terms}">terms of '
                "participation</a>). Without this consent they are erased."
            )
        )
        self.helper = _helper(_("Save"))
        self.helper.attrs = {"enctype": "multipart/form-data"}

    def clean(self):
        cleaned = super().clean()
        # Unticking consent erases what is stored; new data without consent is a mistake.
        new_data = cleaned.get("photo") or any(
            name in self.changed_data and cleaned.get(name, "").strip()
            for name in ("dietary_needs", "accessibility_needs")
        )
        if new_data and not cleaned.get("consents_to_sensitive_data"):
            self.add_error(
                "consents_to_sensitive_data",
                _(
                    "A photo, dietary or accessibility needs are sensitive personal information: "
                    "give your separate consent, or leave them empty."
                ),
            )
        return cleaned


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["name", "kind", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Register the delegation"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Delegation.Kind.COUNTRY and not cleaned.get("country"):
            self.add_error("country", _("Choose the country or territory."))
        return cleaned


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send invitation"))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection (sent to the delegate)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScanForm(forms.Form):
    """What a USB scanner types (it ends with Enter, which submits), or the camera fills in."""

    token = forms.CharField(
        label=_("Badge code"),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "form-control form-control-lg",
            }
        ),
    )
