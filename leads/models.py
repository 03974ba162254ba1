"""Leads: badges an exhibitor's staff scanned at the booth. A lead holds no personal data: the
person's contact is read live from the registration, and only while they consent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Lead(models.Model):
    """One badge scanned by one organization's staff (again: the same lead)."""

    class Rating(models.TextChoices):
        HOT = "hot", _("hot")
        WARM = "warm", _("warm")
        COLD = "cold", _("cold")

    organization = models.ForeignKey(
        "exhibitors.Organization",
        on_delete=models.CASCADE,
        related_name="leads",
        verbose_name=_("exhibiting organization"),
    )
    badge = models.ForeignKey(
        "delegates.Badge", on_delete=models.PROTECT, related_name="leads", verbose_name=_("badge")
    )
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    rating = models.CharField(_("rating"), max_length=4, choices=Rating, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-scanned_at", "pk"]
        permissions = [("view_lead_statistics", _("Can view lead capture statistics"))]
        constraints = [
            models.UniqueConstraint(fields=["organization", "badge"], name="lead_once_per_badge"),
        ]

    def __str__(self):
        return f"{self.organization_id} · {self.badge_id}"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class ConsentWithdrawal(models.Model):
    """A delegate took back their contact from one exhibitor: its leads show it no more."""

    registration = models.ForeignKey(
        "delegates.Registration",
        on_delete=models.CASCADE,
        related_name="lead_withdrawals",
        verbose_name=_("registration"),
    )
    organization = models.ForeignKey(
        "exhibitors.Organization",
        on_delete=models.CASCADE,
        related_name="lead_withdrawals",
        verbose_name=_("exhibiting organization"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        ordering = ["-withdrawn_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "organization"], name="lead_withdrawal_once"
            ),
        ]

    def __str__(self):
        return f"{self.registration_id} · {self.organization_id}"
