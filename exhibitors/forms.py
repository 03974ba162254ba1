from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.countries import country_formfield, in_forum_order

from . import services
from .images import clean_logo
from .models import Application, Exhibit, ExhibitionSection, Fapiao, Membership
from .validators import normalize_credit_code, validate_credit_code


def normalize_website(value: str) -> str:
    """``www.example.com`` → ``https://www.example.com``; an address that is not a web address
    is refused with a message in the visitor's language."""
    from django.core.validators import URLValidator

    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise ValidationError(
            _("Give the website as an address such as www.example.com."), code="invalid"
        ) from exc
    return value


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class OrganizationForm(forms.Form):
    name_zh_hans = forms.CharField(label=_("Name in Chinese"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    country = country_formfield(label=_("Country or region"), initial="CN")
    # A text input, normalised here: a browser's type=url refuses www.example.com, in English.
    website = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=200,
        help_text=_("For example www.example.com"),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        help_text=_("18 characters, for organizations registered in mainland China."),
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=60,
        required=False,
        help_text=_("For organizations registered outside mainland China."),
    )
    description_zh_hans = forms.CharField(
        label=_("Description in Chinese"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_en = forms.CharField(
        label=_("Description in English"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB and 4000 pixels a side."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, organization=None, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        if organization is not None:
            members = organization.memberships.select_related("user")
            self.fields["main_contact"] = forms.ModelChoiceField(
                label=_("Main contact"),
                queryset=type(organization.main_contact).objects.filter(
                    exhibitor_memberships__organization=organization
                ),
                initial=organization.main_contact_id,
            )
            self.fields["main_contact"].choices = [
                (m.user_id, m.user.display_name) for m in members
            ]
        self.helper = _helper(_("Save") if organization else _("Register the organization"))
        self.helper.form_enctype = "multipart/form-data"

    def clean_website(self):
        return normalize_website(self.cleaned_data.get("website", ""))

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        return clean_logo(upload)

    def clean(self):
        cleaned = super().clean()
        country = str(cleaned.get("country") or "")
        code = normalize_credit_code(cleaned.get("credit_code", ""))
        if country == "CN":
            if not code:
                self.add_error(
                    "credit_code",
                    _(
                        "Organizations registered in mainland China give their unified social credit code."
                    ),
                )
            else:
                try:
                    validate_credit_code(code)
                except ValidationError as exc:
                    self.add_error("credit_code", exc)
                else:
                    cleaned["credit_code"] = code
        elif country and not cleaned.get("registration_number", "").strip():
            self.add_error("registration_number", _("Give the organization's registration number."))
        return cleaned

    @classmethod
    def initial_for(cls, organization) -> dict:
        return {name: getattr(organization, name) for name in services.ORGANIZATION_FIELDS} | {
            "country": str(organization.country)
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial="staff")
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="zh-hans"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send the invitation"))


class ApplicationForm(forms.ModelForm):
    section = forms.ModelChoiceField(
        label=_("Exhibition section"), queryset=ExhibitionSection.objects.all()
    )

    class Meta:
        model = Application
        # The section (a draft's, chosen once), and what the application's services write.
        fields = ["section", *services.APPLICATION_FIELDS]
        widgets = {
            "booth_type": forms.RadioSelect,
            "exhibits": forms.Textarea(attrs={"rows": 5}),
            "area_m2": forms.NumberInput(attrs={"min": 9, "step": 1}),
        }
        help_texts = {
            "area_m2": _("Standard shell: 9, 18, 27 … m². Raw space: 36 m² or more."),
        }

    def __init__(self, *args, editing=False, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["section"]
        elif sections is not None:  # only the sections open for applications now
            self.fields["section"].queryset = ExhibitionSection.objects.filter(
                pk__in=[s.pk for s in sections]
            )
        for name in ("preference_1", "preference_2", "preference_3"):
            self.fields[name].required = False
        self.helper = _helper(_("Save the draft"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("booth_type") and cleaned.get("area_m2") is not None:
            try:
                services.check_area(cleaned["booth_type"], cleaned["area_m2"])
            except services.ApplicationError as exc:
                self.add_error("area_m2", str(exc))
        chosen = [
            cleaned.get(f"preference_{i}") for i in (1, 2, 3) if cleaned.get(f"preference_{i}")
        ]
        if len(chosen) != len(set(chosen)):
            self.add_error("preference_2", _("Each booth preference can be chosen once."))
        return cleaned

    def _post_clean(self):
        # No model validation here: the service checks the rules and the database the constraints.
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this in the mail and on the application page."),
    )


class DirectoryFilterForm(forms.Form):
    """Validates the directory's filters; the template renders them as plain controls (fast)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    section = forms.ChoiceField(label=_("Exhibition section"), required=False)
    country = forms.ChoiceField(label=_("Country or region"), required=False)
    field = forms.ChoiceField(
        label=_("Exhibit field"),
        choices=[("", _("All fields")), *Application.Field.choices],
        required=False,
    )
    letter = forms.CharField(required=False, max_length=1)
    hall = forms.ChoiceField(label=_("Hall"), required=False)

    def __init__(self, *args, sections, country_codes, halls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {s.slug: s for s in sections}
        self.halls = {h.slug: h for h in halls}
        self.fields["hall"].choices = [("", _("All halls"))] + [(h.slug, h.name) for h in halls]
        self.fields["section"].choices = [("", _("All sections"))] + [
            (s.slug, s.name) for s in sections
        ]
        self.fields["country"].choices = [("", _("All countries")), *in_forum_order(country_codes)]

    def clean_section(self):
        return self.sections.get(self.cleaned_data["section"])

    def clean_hall(self):
        return self.halls.get(self.cleaned_data["hall"])


# --- The exhibitor's portal -----------------------------------------------------------------


class ExhibitForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB and 4000 pixels a side."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta:
        model = Exhibit
        fields = [
            "name_zh_hans",
            "name_en",
            "description_zh_hans",
            "description_en",
            "field",
            "maturity",
            "first_release",
        ]
        labels = {
            "name_zh_hans": _("Name in Chinese"),
            "name_en": _("Name in English"),
            "description_zh_hans": _("Description in Chinese"),
            "description_en": _("Description in English"),
        }
        widgets = {
            "description_zh_hans": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the exhibit"))
        self.helper.form_enctype = "multipart/form-data"

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        return clean_logo(upload)

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("name_zh_hans") or "").strip()
            and not (cleaned.get("name_en") or "").strip()
        ):
            self.add_error("name_zh_hans", _("Give the exhibit a name in Chinese or in English."))
        return cleaned

    def _post_clean(self):
        # The service saves; the form only checks the input.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] or "" for name in services.EXHIBIT_FIELDS}


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="zh-hans"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send the invitation"))


class DocumentForm(forms.Form):
    """What a requirement asks: a file, or a text (the fascia board's, checked by the service)."""

    def __init__(self, *args, requirement, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Requirement

        if requirement.kind == Requirement.Kind.UPLOAD:
            self.fields["upload"] = forms.FileField(
                label=_("File"),
                help_text=_("PDF, PNG, JPEG or DWG, at most 10 MB."),
                widget=forms.ClearableFileInput(
                    attrs={
                        "accept": ".pdf,.png,.jpg,.jpeg,.dwg,application/pdf,image/png,image/jpeg"
                    }
                ),
            )
        elif requirement.kind == Requirement.Kind.FASCIA:
            self.fields["text"] = forms.CharField(
                label=_("Fascia board text"),
                max_length=60,
                help_text=_("At most 12 Chinese characters or 24 Latin letters."),
            )
        else:
            self.fields["text"] = forms.CharField(
                label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
            )
        self.helper = _helper(_("Hand in"))
        self.helper.form_enctype = "multipart/form-data"


class FapiaoForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Fapiao type"), choices=Fapiao.Kind.choices, widget=forms.RadioSelect
    )
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    taxpayer_id = forms.CharField(
        label=_("Taxpayer ID"),
        max_length=24,
        help_text=_("The unified social credit code, 18 characters."),
    )
    address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    bank = forms.CharField(label=_("Bank"), max_length=120, required=False)
    account = forms.CharField(label=_("Bank account"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the fapiao details"))
