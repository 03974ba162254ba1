import secrets

import urlman
from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat, Lower, Mod, Upper
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.countries import ForumCountryField
from core.storage import private_storage, public_storage


def new_code() -> str:
    """An unguessable, URL-safe identifier for portal addresses."""
    return secrets.token_urlsafe(9)


def logo_path(instance, filename: str) -> str:
    # The stored name never comes from the upload: the file is re-encoded and renamed.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"exhibitors/logos/{secrets.token_hex(12)}.{extension}"


def bilingual_search_text() -> models.GeneratedField:
    """Both names and both descriptions, upper-cased, kept by the database: what a search reads
    with one LIKE on one stored column instead of UPPER() on four per row."""
    parts = []
    for field in ("name_en", "name_zh_hans", "description_en", "description_zh_hans"):
        parts += [Coalesce(field, Value(""), output_field=models.TextField()), Value(" ")]
    return models.GeneratedField(
        expression=Upper(Concat(*parts[:-1], output_field=models.TextField())),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )


class ExhibitionSection(models.Model):
    """A section of the exhibition (展区): a theme section or the general section."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    is_theme = models.BooleanField(_("theme section"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    capacity_m2 = models.PositiveIntegerField(_("floor area (m²)"), default=0)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    # The approval mail lists them as the exhibitor's next steps.
    documents_due_on = models.DateField(
        _("exhibitor documents due"),
        null=True,
        blank=True,
        help_text=_("Fascia board text, exhibit list, and construction drawings for raw space."),
    )
    staff_due_on = models.DateField(_("stand staff registration due"), null=True, blank=True)

    class Meta:
        verbose_name = _("exhibition section")
        verbose_name_plural = _("exhibition sections")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_close_at__isnull=True)
                | Q(applications_open_at__isnull=True)
                | Q(applications_close_at__gt=F("applications_open_at")),
                name="exhibition_section_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "{self._directory}?section={self.slug}"

    @property
    def _directory(self) -> str:
        return reverse("exhibitors:directory")

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.applications_open_at is not None
            and self.applications_close_at is not None
            and self.applications_open_at <= at < self.applications_close_at
        )


# The directory's rule: an organization it shows. ``has_approved_application`` is kept by
# ``services.refresh_listing`` so this test reads one row, not its applications.
LISTED = Q(is_published=True, has_approved_application=True)


class Organization(models.Model):
    """An exhibiting company or institution, registered by its own people."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_code, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = ForumCountryField(_("country"), default="CN")
    website = models.URLField(_("website"), blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("18 characters; for organizations registered in mainland China."),
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        blank=True,
        help_text=_("The company register number, for organizations registered abroad."),
    )
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_path, storage=public_storage, blank=True)
    main_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("main contact"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_published = models.BooleanField(
        _("shown in the directory"),
        default=True,
        help_text=_("Approved organizations appear in the public directory while this is on."),
    )
    has_approved_application = models.BooleanField(
        _("has an approved application"), default=False, editable=False
    )
    staff_allowance = models.PositiveSmallIntegerField(
        _("stand staff allowance"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the rule: one per 9 m² of approved floor area, at least two."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # What the directory search reads (a trigram index on PostgreSQL, migration 0006).
    search_text = bilingual_search_text()

    class Meta:
        verbose_name = _("exhibiting organization")
        verbose_name_plural = _("exhibiting organizations")
        ordering = ["name_en", "pk"]
        indexes = [
            models.Index(fields=["name_en", "id"], name="organization_a_to_z"),
            # The directory's country filter and its unfiltered count, read from the index alone.
            models.Index(fields=["country"], condition=LISTED, name="organization_listed_country"),
        ]
        constraints = [
            models.UniqueConstraint(
                "credit_code",
                condition=~Q(credit_code=""),
                name="organization_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=~Q(credit_code="") | ~Q(registration_number=""),
                name="organization_has_a_registration",
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "{self._public}"
        portal = "{self._portal}"
        edit = "{portal}edit/"
        members = "{portal}members/"
        logo_file = "{portal}logo/"
        apply = "{portal}applications/new/"
        exhibits = "{portal}exhibits/"
        staff = "{portal}staff/"
        documents = "{portal}documents/"
        fees = "{portal}fees/"

    # Reversed, so links keep the active language's prefix (/zh-hans/…).
    @property
    def _public(self) -> str:
        return reverse("exhibitors:organization", kwargs={"slug": self.slug})

    @property
    def _portal(self) -> str:
        return reverse("exhibitors:portal_organization", kwargs={"code": self.code})


class Membership(models.Model):
    """A person who acts for an organization: its admins manage it, its staff apply."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        STAFF = "staff", _("staff")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="exhibitor_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organization", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization}"


class Invitation(models.Model):
    """A mailed invitation to join an organization; accepted by the address it was sent to."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.STAFF
    )
    language = models.CharField(
        _("language of the mail"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    token = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=Q(accepted_at__isnull=True),
                name="invitation_open_unique",
            ),
        ]

    def __str__(self):
        return self.email

    class urls(urlman.Urls):
        accept = "{self._accept}"

    @property
    def _accept(self) -> str:
        return reverse("exhibitors:invitation", kwargs={"token": self.token})


class ApplicationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Application.Status.APPROVED)


class Application(models.Model):
    """An organization's request for floor area in one exhibition section."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        WAITLISTED = "waitlisted", _("waitlisted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class BoothType(models.TextChoices):
        STANDARD = "standard", _("standard shell booth (multiples of 3 × 3 = 9 m²)")
        RAW = "raw", _("raw space (at least 36 m²)")

    class Field(models.TextChoices):
        AI = "ai", _("artificial intelligence")
        IC = "ic", _("integrated circuits")
        QUANTUM = "quantum", _("quantum information")
        BIOMEDICINE = "biomedicine", _("biomedicine and healthcare")
        ENERGY = "energy", _("clean energy and carbon neutrality")
        DIGITAL = "digital", _("digital economy")
        WINTER_SPORTS = "winter-sports", _("winter sports technology")
        MANUFACTURING = "manufacturing", _("intelligent manufacturing")
        OTHER = "other", _("other")

    class Preference(models.TextChoices):
        CORNER = "corner", _("corner booth")
        AISLE = "aisle", _("main aisle")
        ENTRANCE = "entrance", _("near the entrance")
        STAGE = "stage", _("near the stage")
        POWER = "power", _("heavy power supply")
        QUIET = "quiet", _("quiet area for meetings")

    STANDARD_UNIT_M2 = 9
    RAW_MINIMUM_M2 = 36

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    section = models.ForeignKey(
        ExhibitionSection,
        verbose_name=_("exhibition section"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    booth_type = models.CharField(_("booth type"), max_length=10, choices=BoothType.choices)
    area_m2 = models.PositiveIntegerField(_("requested area (m²)"))
    preference_1 = models.CharField(
        _("first booth preference"), max_length=10, choices=Preference.choices, blank=True
    )
    preference_2 = models.CharField(
        _("second booth preference"), max_length=10, choices=Preference.choices, blank=True
    )
    preference_3 = models.CharField(
        _("third booth preference"), max_length=10, choices=Preference.choices, blank=True
    )
    exhibit_field = models.CharField(_("exhibit field"), max_length=16, choices=Field.choices)
    exhibits = models.TextField(_("exhibit description"))
    declares_accuracy = models.BooleanField(_("the information given is true"), default=False)
    accepts_rules = models.BooleanField(_("accepts the exhibition rules"), default=False)
    declares_safety = models.BooleanField(
        _("exhibits meet fire and safety regulations"), default=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="exhibitor_applications",
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "section"], name="application_one_per_section"
            ),
            models.CheckConstraint(
                condition=Q(booth_type="raw", area_m2__gte=36)
                | Q(
                    Q(booth_type="standard"),
                    GreaterThanOrEqual(F("area_m2"), 9),
                    Exact(Mod(F("area_m2"), 9), 0),
                ),
                name="application_area_fits_booth_type",
            ),
        ]
        indexes = [
            models.Index(fields=["section", "status"]),
            # The directory's "has an approved application" test, read from the index alone.
            models.Index(fields=["status", "organization"], name="application_status_org"),
        ]

    def __str__(self):
        return f"{self.organization} → {self.section}"

    class urls(urlman.Urls):
        portal = "{self.organization.urls.portal}applications/{self.pk}/"
        edit = "{portal}edit/"
        submit = "{portal}submit/"
        withdraw = "{portal}withdraw/"

    @property
    def preferences(self) -> list[str]:
        labels = dict(self.Preference.choices)
        return [labels[p] for p in (self.preference_1, self.preference_2, self.preference_3) if p]


class ApplicationEvent(models.Model):
    """One status change of an application: who, when, from what to what, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=Application.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Application.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


# --- The floor: halls and booths -------------------------------------------------------------


class Hall(models.Model):
    """An exhibition hall (展馆) with its plan: booths are placed on it in metres."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    building = models.CharField(_("venue building"), max_length=120, blank=True)
    floor = models.SmallIntegerField(_("floor"), default=1)
    width_m = models.PositiveIntegerField(_("plan width (m)"))
    depth_m = models.PositiveIntegerField(_("plan depth (m)"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(width_m__gt=0, depth_m__gt=0), name="hall_plan_has_a_size"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:  # the admin's "View on site"
        return self.urls.public

    class urls(urlman.Urls):
        public = "{self._public}"

    @property
    def _public(self) -> str:
        return reverse("exhibitors:hall", kwargs={"slug": self.slug})


class Booth(models.Model):
    """A stand on a hall's plan, in one exhibition section; assigned to at most one application."""

    # What places a booth on a plan: the admin's form, the CSV/XLSX import and the demo write these.
    PLAN_FIELDS = (
        "hall",
        "code",
        "section",
        "booth_type",
        "width_m",
        "depth_m",
        "open_sides",
        "x_m",
        "y_m",
        "status",
    )

    class Type(models.TextChoices):
        STANDARD = "standard", _("standard shell booth")
        RAW = "raw", _("raw space")

    class OpenSides(models.TextChoices):
        INLINE = "inline", _("in-line (one side open)")
        CORNER = "corner", _("corner (two sides open)")
        PENINSULA = "peninsula", _("peninsula (three sides open)")
        ISLAND = "island", _("island (four sides open)")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        HELD = "held", _("held")
        ASSIGNED = "assigned", _("assigned")
        BLOCKED = "blocked", _("blocked")

    code = models.CharField(_("stand number"), max_length=16)
    hall = models.ForeignKey(
        Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="booths"
    )
    section = models.ForeignKey(
        ExhibitionSection,
        verbose_name=_("exhibition section"),
        on_delete=models.PROTECT,
        related_name="booths",
    )
    booth_type = models.CharField(
        _("booth type"), max_length=10, choices=Type.choices, default=Type.STANDARD
    )
    width_m = models.DecimalField(_("width (m)"), max_digits=5, decimal_places=1)
    depth_m = models.DecimalField(_("depth (m)"), max_digits=5, decimal_places=1)
    area_m2 = models.GeneratedField(
        expression=F("width_m") * F("depth_m"),
        output_field=models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2),
        db_persist=True,
    )
    open_sides = models.CharField(
        _("open sides"), max_length=10, choices=OpenSides.choices, default=OpenSides.INLINE
    )
    x_m = models.DecimalField(_("x on the plan (m)"), max_digits=6, decimal_places=1)
    y_m = models.DecimalField(_("y on the plan (m)"), max_digits=6, decimal_places=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booths",
    )

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["hall__position", "hall_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "code"],
                name="booth_code_unique_in_hall",
                violation_error_message=_("This hall already has a booth with this stand number."),
            ),
            models.CheckConstraint(
                condition=Q(width_m__gt=0, depth_m__gt=0, x_m__gte=0, y_m__gte=0),
                name="booth_has_a_place",
                violation_error_message=_(
                    "A booth is wider and deeper than 0 m, and x and y on the plan are 0 or more."
                ),
            ),
            # Assigned exactly when it holds an application.
            models.CheckConstraint(
                condition=Q(status="assigned", application__isnull=False)
                | Q(~Q(status="assigned"), application__isnull=True),
                name="booth_assigned_holds_application",
            ),
        ]
        indexes = [models.Index(fields=["section", "status"], name="booth_section_status")]

    def __str__(self):
        return f"{self.hall} {self.code}"

    @property
    def area(self):
        """The area from width × depth, also before the row is saved (``area_m2`` is the database's)."""
        if self.width_m is None or self.depth_m is None:
            return None
        return self.width_m * self.depth_m

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.db.models import Sum

        if self.area is None:
            return
        if self.hall_id is not None and self.x_m is not None and self.y_m is not None:
            hall = self.hall
            if self.x_m + self.width_m > hall.width_m or self.y_m + self.depth_m > hall.depth_m:
                raise ValidationError(
                    _(
                        "Booth %(code)s lies outside the plan of %(hall)s (%(width)s m × %(depth)s m)."
                    )
                    % {
                        "code": self.code,
                        "hall": hall.name,
                        "width": hall.width_m,
                        "depth": hall.depth_m,
                    }
                )
        if self.section_id is None:
            return
        others = Booth.objects.filter(section_id=self.section_id).exclude(pk=self.pk)
        taken = others.aggregate(m2=Sum("area_m2"))["m2"] or 0
        capacity = self.section.capacity_m2
        if taken + self.area > capacity:
            raise ValidationError(
                _(
                    "The booths of %(section)s would cover %(total)s m², more than its floor "
                    "area of %(capacity)s m²."
                )
                % {
                    "section": self.section.name,
                    "total": f"{float(taken + self.area):g}",
                    "capacity": capacity,
                }
            )


class BoothAssignment(models.Model):
    """One tenancy of a booth: who assigned it to which application and why, and how it ended
    (moved to another booth or vacated). The open tenancy of a booth is unique."""

    class End(models.TextChoices):
        MOVED = "moved", _("moved")
        VACATED = "vacated", _("vacated")

    booth = models.ForeignKey(
        Booth, verbose_name=_("booth"), on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="booth_assignments",
    )
    moved_from = models.ForeignKey(
        Booth,
        verbose_name=_("moved from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    ended = models.CharField(_("ended"), max_length=10, choices=End.choices, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(_("reason for the end"), blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("booth assignment")
        verbose_name_plural = _("booth assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            # A booth is never assigned twice: at most one open tenancy per booth.
            models.UniqueConstraint(
                fields=["booth"], condition=Q(ended_at__isnull=True), name="booth_assigned_once"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended="")
                | Q(ended_at__isnull=False) & ~Q(ended=""),
                name="booth_assignment_end_is_complete",
            ),
        ]

    def __str__(self):
        return f"{self.booth} → {self.application}"


# --- The exhibitor's portal: exhibits ------------------------------------------------------


def exhibit_image_path(instance, filename: str) -> str:
    # Like the logo: re-encoded and renamed, never the uploaded name.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"exhibitors/exhibits/{secrets.token_hex(12)}.{extension}"


class Exhibit(models.Model):
    """A product or technology an exhibitor shows (展品): on its page and found by the search."""

    class Maturity(models.TextChoices):
        RESEARCH = "research", _("research")
        PROTOTYPE = "prototype", _("prototype")
        PILOT = "pilot", _("pilot use")
        MARKET = "market", _("on the market")

    class FirstRelease(models.TextChoices):
        NONE = "", _("not a premiere")
        CHINA = "china", _("China premiere")
        WORLD = "world", _("world premiere")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="exhibits",
    )
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(
        _("image"), upload_to=exhibit_image_path, storage=public_storage, blank=True
    )
    field = models.CharField(
        _("field"), max_length=16, choices=Application.Field.choices, default=Application.Field.AI
    )
    maturity = models.CharField(
        _("maturity"), max_length=10, choices=Maturity.choices, default=Maturity.PROTOTYPE
    )
    first_release = models.CharField(
        _("premiere"), max_length=8, choices=FirstRelease.choices, blank=True, default=""
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    search_text = bilingual_search_text()

    class Meta:
        verbose_name = _("exhibit")
        verbose_name_plural = _("exhibits")
        ordering = ["organization", "position", "pk"]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        portal = "{self.organization.urls.portal}exhibits/{self.pk}/"
        delete = "{portal}delete/"


# --- The exhibitor's portal: required documents ---------------------------------------------


def document_path(instance, filename: str) -> str:
    # Private storage; the stored name never comes from the upload (the original is kept apart).
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"exhibitors/documents/{secrets.token_hex(16)}.{extension}"


class Requirement(models.Model):
    """What the exhibition team asks exhibitors for before move-in, due on a date: a file to
    upload, a text to fill in, or the fascia board text of a standard booth."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("file upload")
        TEXT = "text", _("text to fill in")
        FASCIA = "fascia", _("fascia board text")

    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.UPLOAD)
    section = models.ForeignKey(
        ExhibitionSection,
        verbose_name=_("exhibition section"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requirements",
        help_text=_("Empty: every section."),
    )
    booth_type = models.CharField(
        _("booth type"),
        max_length=10,
        choices=Application.BoothType.choices,
        blank=True,
        help_text=_("Empty: every booth type."),
    )
    due_on = models.DateField(_("due"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["due_on", "position", "pk"]

    def __str__(self):
        return self.name

    def applies_to(self, application: Application) -> bool:
        return (self.section_id is None or self.section_id == application.section_id) and (
            not self.booth_type or self.booth_type == application.booth_type
        )


class Document(models.Model):
    """An exhibitor's answer to a requirement: a private file or a text, and the team's review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted, waiting for review")
        ACCEPTED = "accepted", pgettext_lazy("document", "accepted")
        RETURNED = "returned", _("returned for changes")

    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("required document"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["requirement__due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "organization"], name="document_one_per_requirement"
            ),
        ]

    def __str__(self):
        return f"{self.requirement} · {self.organization}"

    class urls(urlman.Urls):
        portal = "{self.organization.urls.portal}documents/{self.requirement_id}/"
        file = "{portal}file/"


class Reminder(models.Model):
    """One reminder mailed: per requirement, organization, stage and due date, so each is sent
    once, and a new due date arms the reminders again."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", _("due in 7 days")
        OVERDUE = "overdue", _("overdue")

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "organization", "stage", "due_on"], name="reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.requirement} · {self.organization} · {self.stage}"


# --- The exhibitor's portal: fees and fapiao ------------------------------------------------


class FeeLine(models.Model):
    """One line of what an exhibitor owes, in CNY: a booth by area or per booth, a corner
    surcharge, a service. The team sets its payment status and the fapiao number."""

    class Basis(models.TextChoices):
        PER_M2 = "m2", _("per m²")
        PER_BOOTH = "booth", _("per booth")
        SURCHARGE = "surcharge", _("corner surcharge")
        SERVICE = "service", _("service")

    class Payment(models.TextChoices):
        UNPAID = "unpaid", _("unpaid")
        PAID = "paid", _("paid")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="fee_lines",
    )
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("booth"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fee_lines",
    )
    label = models.CharField(_("item"), max_length=160)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.PER_M2)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=10, decimal_places=2)
    amount = models.GeneratedField(
        expression=F("quantity") * F("unit_price"),
        output_field=models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2),
        db_persist=True,
    )
    payment = models.CharField(
        _("payment"), max_length=8, choices=Payment.choices, default=Payment.UNPAID
    )
    invoice_number = models.CharField(_("fapiao number"), max_length=40, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["organization", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0, unit_price__gte=0), name="fee_line_positive"
            ),
        ]

    def __str__(self):
        return self.label


class Fapiao(models.Model):
    """The organization's invoice (发票) details, given in the portal; no payment online."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("general VAT invoice")
        SPECIAL = "special", _("special VAT invoice")

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="fapiao",
    )
    kind = models.CharField(
        _("fapiao type"), max_length=8, choices=Kind.choices, default=Kind.GENERAL
    )
    company_name = models.CharField(_("company name"), max_length=200)
    taxpayer_id = models.CharField(_("taxpayer ID"), max_length=20)
    address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank = models.CharField(_("bank"), max_length=120, blank=True)
    account = models.CharField(_("bank account"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("fapiao details")
        verbose_name_plural = _("fapiao details")

    def __str__(self):
        return self.company_name
