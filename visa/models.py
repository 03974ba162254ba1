"""Visa invitation letters: a delegate's request with encrypted passport data, the letter, and
who looked at the data."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.countries import ForumCountryField
from core.storage import private_storage

from . import crypto

# No 0/O or 1/I: a reference is read off paper and typed in.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """Random, so that references cannot be guessed from one another."""
    return "ZGCV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


def letter_path(instance, filename) -> str:
    return f"visa/letters/{instance.reference}.pdf"


class LetterRequest(models.Model):
    """One delegate's request for an invitation letter.

    The passport number and the date of birth are stored only encrypted (``crypto``); this
    model is not in simple-history, import-export or any export.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        CHANGES_REQUESTED = "changes", _("changes requested")
        APPROVED = "approved", _("letter issued")
        REJECTED = "rejected", _("rejected")
        REVOKED = "revoked", _("letter revoked")

    registration = models.OneToOneField(
        "delegates.Registration",
        on_delete=models.PROTECT,
        related_name="visa_request",
        verbose_name=_("registration"),
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_reference, editable=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SUBMITTED)
    passport_name = models.CharField(_("name as in the passport"), max_length=150, blank=True)
    initials = models.CharField(_("initials"), max_length=12, blank=True)
    nationality = ForumCountryField(_("nationality"))
    passport_number_encrypted = models.TextField(_("passport number (encrypted)"), blank=True)
    date_of_birth_encrypted = models.TextField(_("date of birth (encrypted)"), blank=True)
    passport_expires_on = models.DateField(_("passport valid until"), null=True, blank=True)
    entry_on = models.DateField(_("intended entry"))
    exit_on = models.DateField(_("intended exit"))
    consular_post = models.CharField(_("consular post"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    desk_message = models.TextField(_("message from the visa desk"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    letter = models.FileField(
        _("letter"), upload_to=letter_path, storage=private_storage, blank=True
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    data_purged_at = models.DateTimeField(_("passport data deleted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("visa letter request")
        verbose_name_plural = _("visa letter requests")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_request", _("Can review visa letter requests")),
            ("view_passport_data", _("Can view passport data")),
            ("view_statistics", _("Can view visa letter statistics")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exit_on__gt=models.F("entry_on")), name="visa_exit_after_entry"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def passport_number(self) -> str:
        return crypto.decrypt(self.passport_number_encrypted)

    @property
    def date_of_birth(self):
        from datetime import date

        value = crypto.decrypt(self.date_of_birth_encrypted)
        return date.fromisoformat(value) if value else None

    @property
    def is_purged(self) -> bool:
        return self.data_purged_at is not None

    @property
    def can_download(self) -> bool:
        return self.status == self.Status.APPROVED and bool(self.letter) and not self.is_purged


class PassportAccess(models.Model):
    """A view of a request's passport data: who, when, which request, how."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("review page")
        LETTER = "letter", _("letter download")

    request = models.ForeignKey(
        LetterRequest,
        on_delete=models.CASCADE,
        related_name="accesses",
        verbose_name=_("request"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    kind = models.CharField(_("how"), max_length=10, choices=Kind)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("passport data access")
        verbose_name_plural = _("passport data accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.request} · {self.at:%Y-%m-%d %H:%M}"
