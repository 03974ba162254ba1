import secrets

import urlman
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.countries import ForumCountryField
from core.names import BilingualName
from core.storage import private_storage
from events.models import Session

# Photos: what a badge needs, no more. Larger uploads are refused, accepted ones re-encoded.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 6000 * 6000
PHOTO_MIN_SIDE = 200
PHOTO_STORED_SIDE = 800


def new_code() -> str:
    """A code people can type: 10 characters without 0/O/1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Category(models.Model):
    """A kind of forum participant: delegate, speaker, press, VIP guest, exhibitor staff, …"""

    class Access(models.TextChoices):
        OPEN = "open", _("open: anyone may register")
        INVITATION = "invitation", _("invitation only")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(
        _("badge colour"), max_length=7, default="#12386b", help_text=_("#RRGGBB")
    )
    access = models.CharField(_("access"), max_length=12, choices=Access, default=Access.OPEN)
    needs_approval = models.BooleanField(
        _("needs approval"),
        default=True,
        help_text=_("Registrations wait for the accreditation desk unless an invitation is used."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    events = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="invited_categories",
        verbose_name=_("events they may attend"),
        help_text=_(
            "Invitation-only events accept RSVPs and check-ins only from the categories that "
            "list them. If the list is not empty, check-in desks admit this category only to "
            "the events listed."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="category_colour_hex"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.access == self.Access.OPEN


class Delegation(models.Model):
    """A group registered by one coordinator: a country's or an organization's delegation."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("country or territory")
        ORGANIZATION = "organization", _("organization")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.ORGANIZATION)
    country = ForumCountryField(_("country or territory"), blank=True)
    coordinator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_delegation",
        verbose_name=_("coordinator"),
    )
    edits_close_at = models.DateTimeField(
        _("coordinator edits close at"),
        null=True,
        blank=True,
        help_text=_("After this moment the coordinator can no longer change members' details."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        detail = "/delegates/delegations/{self.pk}/"

    def edits_open(self, now=None) -> bool:
        return self.edits_close_at is None or (now or timezone.now()) < self.edits_close_at


class DelegationMember(models.Model):
    """A place in a delegation: invited by email, taken when the person accepts."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="members", verbose_name=_("delegation")
    )
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delegation_membership",
        verbose_name=_("person"),
        help_text=_("A person belongs to at most one delegation."),
    )
    token = models.CharField(_("invitation token"), max_length=64, unique=True, default=new_token)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["delegation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "email"], name="delegation_member_email_unique"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(accepted_at__isnull=False),
                name="delegation_member_accepted_when_joined",
            ),
        ]

    def __str__(self):
        return self.name or self.email

    class urls(urlman.Urls):
        join = "/delegates/join/{self.token}/"
        edit = "{self.delegation.urls.detail}members/{self.pk}/"


class Invitation(models.Model):
    """A code that pre-approves a person (email set) or a group for one category."""

    code = models.CharField(_("code"), max_length=20, unique=True, default=new_code)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("category")
    )
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Leave empty for a code a whole group may use."),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    max_uses = models.PositiveIntegerField(_("use limit"), default=1)
    uses = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=F("max_uses")), name="invitation_uses_within_limit"
            ),
            models.CheckConstraint(condition=Q(max_uses__gte=1), name="invitation_max_uses_min"),
        ]

    def __str__(self):
        return self.code


class RegistrationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Registration.Status.APPROVED)

    def pending(self):
        return self.filter(status=Registration.Status.PENDING)


def photo_path(instance, filename):
    return f"delegates/photos/{secrets.token_hex(16)}.jpg"


class Registration(BilingualName, models.Model):
    """A person's accreditation for the forum: one per account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registration",
        verbose_name=_("account"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("invitation"),
    )
    name = models.CharField(_("name (Latin script)"), max_length=150)
    name_zh = models.CharField(_("Chinese name"), max_length=60, blank=True)
    organization = models.CharField(_("organization"), max_length=200)
    title = models.CharField(_("title or position"), max_length=200, blank=True)
    country = ForumCountryField(_("country or territory"))
    # Sensitive personal information (PIPL art. 28): only with its own explicit consent.
    photo = models.ImageField(_("photo"), upload_to=photo_path, storage=private_storage, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    sensitive_consent_at = models.DateTimeField(
        _("consent to sensitive data given at"), null=True, blank=True
    )
    # Lead capture: whether exhibitors whose staff scan the badge may read the contact (PIPL art. 23).
    lead_consent_at = models.DateTimeField(
        _("consent to share contact with exhibitors given at"), null=True, blank=True
    )
    sensitive_purged_at = models.DateTimeField(_("sensitive data purged at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "pk"]
        permissions = [
            ("review_registration", _("Can approve and reject registrations")),
            ("confirm_deletion", _("Can confirm deletion requests")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitive_consent_at__isnull=False)
                | (Q(photo="") & Q(dietary_needs="") & Q(accessibility_needs="")),
                name="registration_sensitive_data_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="registration_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self):
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    class urls(urlman.Urls):
        mine = "/delegates/me/"
        edit = "{mine}edit/"
        export = "{mine}export.json"
        delete = "{mine}delete/"
        badge = "{mine}badge.pdf"
        lead_consent = "{mine}lead-consent/"

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


# --- Badges and check-in ------------------------------------------------------------------------


def new_badge_code() -> str:
    """The random part of a badge token: nothing about the person."""
    return secrets.token_urlsafe(12)


# The printed short code: Crockford's base 32 (no I, L, O, U), 10 characters = 50 random bits,
# so guessing one of 100 000 badges takes ~10^10 tries; typed attempts are rate-limited too.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 10
_SHORT_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalise_short_code(text: str) -> str:
    """What a person typed, as stored: upper case, no hyphens or spaces, O→0, I/L→1."""
    cleaned = "".join(ch for ch in text.upper() if ch not in "- \t")
    return cleaned.translate(_SHORT_CODE_LOOKALIKES)


def format_short_code(code: str) -> str:
    """``XXXXX-XXXXX``, as printed on the badge."""
    half = SHORT_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


class Badge(models.Model):
    """A printed badge of a registration; revoking it (lost, replaced) invalidates its QR code."""

    class RevokeReason(models.TextChoices):
        LOST = "lost", _("lost")
        REPLACED = "replaced", _("replaced")
        WITHDRAWN = "withdrawn", _("accreditation withdrawn")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="badges",
        verbose_name=_("registration"),
    )
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_badge_code)
    short_code = models.CharField(
        _("short code"),
        max_length=SHORT_CODE_LENGTH,
        unique=True,
        default=new_short_code,
        editable=False,
        help_text=_("Printed beside the QR code, for typing when a camera fails."),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(
        _("reason for revoking"), max_length=12, choices=RevokeReason, blank=True
    )

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(revoked_at__isnull=True),
                name="badge_one_valid_per_registration",
            ),
        ]

    def __str__(self):
        return f"{self.registration.name} · {self.code[:6]}…"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def printed_code(self) -> str:
        return format_short_code(self.short_code)


class CheckIn(models.Model):
    """A person admitted once to the forum, an event or a session (scope: neither, event, session)."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="check_ins",
        verbose_name=_("registration"),
    )
    badge = models.ForeignKey(
        Badge, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("badge")
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("event"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=pgettext_lazy("programme", "session"),
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    created_at = models.DateTimeField(_("checked in at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "pk"]
        permissions = [
            ("scan_badges", _("Can scan badges at a check-in desk")),
            ("view_statistics", _("Can view attendance statistics")),
        ]
        # Two desks scanning one badge at once: the database keeps one check-in per scope.
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(event__isnull=True, session__isnull=True),
                name="checkin_once_per_forum",
            ),
            models.UniqueConstraint(
                fields=["registration", "event"],
                condition=Q(event__isnull=False, session__isnull=True),
                name="checkin_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="checkin_once_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.registration.name} · {self.created_at:%Y-%m-%d %H:%M}"


class Scan(models.Model):
    """Every scan at a desk, accepted or not: who scanned, where, when, with what result."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("checked in")
        DUPLICATE = "duplicate", _("already checked in")
        UNKNOWN = "unknown", _("unknown badge")
        REVOKED = "revoked", _("badge revoked")
        UNAPPROVED = "unapproved", _("registration not approved")
        WRONG_EVENT = "wrong_event", _("not admitted to this event")
        INVITATION_ONLY = "invitation_only", _("invitation only")

    token = models.CharField(_("scanned text"), max_length=120)
    badge = models.ForeignKey(
        Badge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("badge"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("programme", "session"),
    )
    result = models.CharField(_("result"), max_length=16, choices=Result)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    scanned_at = models.DateTimeField(_("scanned at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-scanned_at", "pk"]

    def __str__(self):
        return f"{self.get_result_display()} · {self.scanned_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_accepted(self) -> bool:
        return self.result == self.Result.ACCEPTED


class WrongCode(models.Model):
    """A typed badge code that matched no badge: the trail of anyone guessing codes."""

    class Place(models.TextChoices):
        DESK = "desk", _("check-in desk")
        LEADS = "leads", _("lead scanner")

    text = models.CharField(_("typed code"), max_length=40)
    place = models.CharField(_("where"), max_length=8, choices=Place)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("typed by"),
    )
    typed_at = models.DateTimeField(_("typed at"), default=timezone.now)

    class Meta:
        verbose_name = _("wrong badge code")
        verbose_name_plural = _("wrong badge codes")
        ordering = ["-typed_at", "pk"]
        indexes = [models.Index(fields=["scanned_by", "typed_at"], name="wrongcode_by_time")]

    def __str__(self):
        return f"{self.text} · {self.typed_at:%Y-%m-%d %H:%M:%S}"


def print_job_path(instance, filename):
    return f"delegates/badge-prints/{secrets.token_hex(16)}.pdf"


class BadgePrintJob(models.Model):
    """Badges printed in bulk: one PDF made in the background, downloadable when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    registration_ids = models.JSONField(_("registrations"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("badges"), default=0)
    done = models.PositiveIntegerField(_("badges made"), default=0)
    file = models.FileField(_("PDF"), upload_to=print_job_path, storage=private_storage, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Each start by a worker counts; progress touches heartbeat_at, so the beat sweep can tell a
    # job whose worker died (no heartbeat for BADGE_PRINT_STUCK_AFTER) from a long one.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge print job")
        verbose_name_plural = _("badge print jobs")
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return f"#{self.pk} · {self.get_status_display()} · {self.done}/{self.total}"

    @property
    def progress(self) -> int:
        """Percent done, 0–100."""
        return 100 if not self.total else round(100 * self.done / self.total)


class Star(models.Model):
    """A session a delegate put on their agenda."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stars",
        verbose_name=_("delegate"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.CASCADE,
        related_name="stars",
        verbose_name=pgettext_lazy("programme", "session"),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda entry")
        verbose_name_plural = _("agenda entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="star_unique_per_session"),
        ]

    def __str__(self):
        return f"{self.user} · {self.session}"


class RSVPQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RSVP.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=RSVP.Status.WAITLISTED)


class RSVP(models.Model):
    """A seat reserved at a session, or a place on its waitlist (position computed, not stored)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("waitlisted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rsvps",
        verbose_name=_("delegate"),
    )
    session = models.ForeignKey(
        "events.Session",
        on_delete=models.CASCADE,
        related_name="rsvps",
        verbose_name=pgettext_lazy("programme", "session"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    created_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)

    objects = RSVPQuerySet.as_manager()

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="rsvp_unique_per_session"),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} · {self.session} ({self.get_status_display()})"


class AgendaFeed(models.Model):
    """The secret address of a delegate's agenda as iCalendar; regenerate to revoke the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agenda_feed",
        verbose_name=_("delegate"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda feed")
        verbose_name_plural = _("agenda feeds")

    def __str__(self):
        return str(self.user)

    class urls(urlman.Urls):
        ical = "/delegates/agenda/{self.token}.ics"


class SessionSeats(Session):
    """The admin's view of a session's RSVPs: capacity and who holds a seat or waits."""

    class Meta:
        proxy = True
        verbose_name = _("session seats")
        verbose_name_plural = _("session seats")
