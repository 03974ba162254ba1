"""Invitation lists in and out, registrations out (``core.imports``). Columns: docs/imports.md.

An invitation list adds personal invitations: each row is ``services.create_invitation``, which
mails its holder the code (in the row's language) once the import is confirmed and committed.

Registrations are exported, never imported: a registration is the person's own act, with their
consents (terms, sensitive data) given on the form. The export leaves out the photo and the
dietary and accessibility needs (health data).
"""

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from core.imports import RefWidget, ServiceResource

from . import services
from .models import Category, Invitation, Registration


class UseLimitWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip() or "1"
        try:
            number = int(float(text)) if isinstance(value, float) else int(text)
        except ValueError:
            number = 0
        if number < 1:
            raise ValueError(_("use limit must be a whole number of at least 1"))
        return number


class ExpiryWidget(widgets.Widget):
    """A date (the invitation expires at its end) or a date and time, in the forum's zone."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            text = str(value).strip()
            moment = parse_datetime(text)
            if moment is None:
                try:
                    day = parse_date(text)
                except ValueError:
                    day = None
                if day is None:
                    raise ValueError(_("expiry must be a date (YYYY-MM-DD)"))
                moment = datetime.combine(day, time.max)
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def render(self, value, obj=None, **kwargs):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class InvitationResource(ServiceResource):
    """One row a personal invitation: email, name, category (slug), max_uses, expires, language."""

    email = fields.Field(attribute="email", column_name="email")
    name = fields.Field(attribute="name", column_name="name")
    category = fields.Field(
        attribute="category", column_name="category", widget=RefWidget(Category, "slug")
    )
    max_uses = fields.Field(attribute="max_uses", column_name="max_uses", widget=UseLimitWidget())
    expires = fields.Field(attribute="expires_at", column_name="expires", widget=ExpiryWidget())
    language = fields.Field(attribute="mail_language", column_name="language")
    service_errors = (services.InvitationError,)
    required_columns = ("email", "category")

    class Meta:
        model = Invitation
        name = gettext_lazy("Invitation list")
        fields = ("email", "name", "category", "max_uses", "expires", "language")
        export_order = fields
        force_init_instance = True  # a list adds invitations; it never changes one

    def __init__(self, request=None, **kwargs):
        super().__init__(request, **kwargs)
        self.seen: set[str] = set()

    def before_import_row(self, row, **kwargs):
        row["email"] = str(row.get("email") or "").strip().lower()
        language = str(row.get("language") or "").strip().lower().replace("_", "-")
        row["language"] = language or "en"

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            validate_email(instance.email)
        except ValidationError:
            errors["email"] = [_("not a valid email address")]
        else:
            if instance.email in self.seen:
                errors["email"] = [_("email listed twice")]
            self.seen.add(instance.email)
        if "category" not in errors and instance.category_id is None:
            errors["category"] = [_("unknown category")]
        if instance.mail_language not in dict(settings.LANGUAGES):
            errors["language"] = [_("language must be en or zh-hans")]
        if errors:
            raise ValidationError(errors)

    def save_row(self, instance, is_create, row):
        created = services.create_invitation(
            instance.category,
            email=instance.email,
            name=instance.name or "",
            max_uses=instance.max_uses,
            expires_at=instance.expires_at,
            note=_("imported"),
            language=instance.mail_language,
        )
        instance.pk = created.pk

    def dehydrate_language(self, invitation):
        return getattr(invitation, "mail_language", "")

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("category")
        return super().export(queryset=queryset, **kwargs)


class RegistrationResource(resources.ModelResource):
    """Registrations out (export only): who, from where, in which category and state. No photo,
    no dietary or accessibility needs."""

    email = fields.Field(attribute="user__email", column_name="email")
    category = fields.Field(attribute="category__slug", column_name="category")

    class Meta:
        model = Registration
        name = gettext_lazy("Registrations (no photos, no health data)")
        fields = (
            "email",
            "name",
            "name_zh",
            "organization",
            "title",
            "country",
            "category",
            "status",
            "created_at",
        )
        export_order = fields

    def __init__(self, request=None, **kwargs):
        super().__init__(**kwargs)

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("user", "category")
        return super().export(queryset=queryset, **kwargs)

    def import_data(self, *args, **kwargs):  # pragma: no cover - never offered for import
        raise ValidationError(_("Registrations are exported, not imported."))
