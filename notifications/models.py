import urlman
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """One mail to one address, rendered when queued so history never changes with templates."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    to_email = models.EmailField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    template_key = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField(_("idempotency key"), max_length=400, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="outbound_queued_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="outbound_sending"
            ),
            models.Index(fields=["content_type", "object_id"], name="outbound_related"),
        ]

    def __str__(self):
        return f"{self.to_email}: {self.subject}"


class Announcement(models.Model):
    """News from the organizers to one segment of users, written in both languages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_zh_hans = models.CharField(_("subject (Chinese)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_zh_hans = models.TextField(_("text (Chinese)"))
    segment = models.CharField(_("recipients"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    recipient_count = models.PositiveIntegerField(_("recipients queued"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    send_requested_at = models.DateTimeField(_("send requested at"), null=True, blank=True)
    fanned_out_at = models.DateTimeField(_("all messages queued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_announcement", _("Can send announcements"))]

    def __str__(self):
        return self.subject_en

    class urls(urlman.Urls):
        admin = "/admin/notifications/announcement/{self.pk}/change/"

    @property
    def subject(self) -> str:
        """The subject in the active language (mail rendering runs under the recipient's)."""
        return self.subject_zh_hans if _is_chinese() else self.subject_en

    @property
    def body(self) -> str:
        return self.body_zh_hans if _is_chinese() else self.body_en


def _is_chinese() -> bool:
    return (translation.get_language() or "en").startswith("zh")
