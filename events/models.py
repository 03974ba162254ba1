from datetime import timedelta

import urlman
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.countries import ForumCountryField
from core.names import BilingualName
from core.storage import public_storage


def language_prefix() -> str:
    """The URL prefix of the active language: English lives at the root (i18n_patterns)."""
    language = get_language() or settings.LANGUAGE_CODE
    return "" if language == settings.LANGUAGE_CODE else f"/{language}"


class Forum(models.Model):
    """One yearly edition of the Zhongguancun Forum."""

    edition = models.PositiveSmallIntegerField(_("edition (year)"), unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("annual theme"), max_length=200, blank=True)
    permanent_theme = models.CharField(_("permanent theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    demo_of = models.DateField(
        _("demo of the forum that began on"),
        null=True,
        blank=True,
        help_text=_(
            "Set on a demonstration forum loaded by seed_demo: the first day of the forum whose "
            "programme it replays. The home page then says that it is a demo."
        ),
    )
    release_number = models.PositiveIntegerField(
        _("released schedule version"), default=0, editable=False
    )
    cache_version = models.PositiveIntegerField(_("cache version"), default=0, editable=False)
    schedule_changed_at = models.DateTimeField(
        _("schedule last changed"), null=True, blank=True, editable=False
    )
    # The cache version whose ExportFragments are written (services.prepare_exports).
    exports_version = models.PositiveIntegerField(
        _("exports prepared for version"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["-edition"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="forum_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "{self.prefix}/"
        schedule = "{self.prefix}/schedule/"
        grid = "{self.prefix}/schedule/grid/"
        changelog = "{self.prefix}/schedule/changes/"
        speakers = "{self.prefix}/speakers/"
        ical = "{self.prefix}/schedule.ics"
        json = "{self.prefix}/api/schedule.json"

    @property
    def prefix(self) -> str:
        return language_prefix()

    @property
    def days(self):
        return [
            self.starts_on + timedelta(days=i)
            for i in range((self.ends_on - self.starts_on).days + 1)
        ]


class Section(models.Model):
    """A part of the forum's programme (板块): forum meetings, exhibition, competitions, …"""

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="sections", verbose_name=_("forum")
    )
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f4e8c", help_text=_("#RRGGBB"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["forum", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "slug"], name="section_slug_unique_per_forum"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="section_colour_hex"
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "{self.prefix}/sections/{self.slug}/"

    @property
    def prefix(self) -> str:
        return language_prefix()


class Venue(models.Model):
    """A building or site where sessions take place."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Room(models.Model):
    """A hall or meeting room inside a venue."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("venue")
    )
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=160)
    capacity = models.PositiveIntegerField(_("seats"))
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    accessibility = models.CharField(_("accessibility notes"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "slug"], name="room_slug_unique_per_venue"),
        ]

    def __str__(self):
        return f"{self.venue} · {self.name}"

    @property
    def place(self) -> str:
        """Where a session is, as a line reads it: 202 room, ZGC venue / 中关村国际会议中心·202会议室."""
        return _("%(room)s, %(venue)s") % {"room": self.name, "venue": self.venue.name}


class Theme(models.Model):
    """A topic tag on events and sessions: intelligence, health, carbon neutrality, …"""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Speaker(BilingualName, models.Model):
    """A person who speaks at or moderates sessions."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (Latin script)"), max_length=150)
    name_zh = models.CharField(_("Chinese name"), max_length=60, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    country = ForumCountryField(_("country"), blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="speakers/", storage=public_storage, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_(
            "Never shown publicly: schedule changes are mailed here, and the speaker's badge "
            "registration is made with it."
        ),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Mail from the forum comes in this language (empty: English)."),
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    @property
    def local_name(self) -> str:
        """The name as a reader of the page's language knows it: Chinese in the Chinese UI."""
        if self.name_zh and get_language() == "zh-hans":
            return self.name_zh
        return self.name

    class urls(urlman.Urls):
        public = "{self.prefix}/speakers/{self.slug}/"

    @property
    def prefix(self) -> str:
        return language_prefix()


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, forum__is_published=True)


class Event(models.Model):
    """One event of the forum: a conference, ceremony, exhibition, competition, …"""

    class Type(models.TextChoices):
        FORUM = "forum", _("Forum or conference")
        CEREMONY = "ceremony", _("Ceremony")
        EXHIBITION = "exhibition", _("Exhibition")
        COMPETITION = "competition", _("Competition")
        TRADING = "trading", _("Technology trading")
        RELEASE = "release", _("Results release")
        SUPPORTING = "supporting", _("Supporting activity")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="events", verbose_name=_("forum")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="events", verbose_name=_("section")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.FORUM)
    host = models.CharField(_("host organization"), max_length=255, blank=True)
    co_organizers = models.CharField(_("co-organizers"), max_length=500, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_events",
        verbose_name=_("managers"),
        help_text=_("Event hosts who may edit this event, its sessions and speakers."),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("venue"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="events", verbose_name=_("themes")
    )
    is_public = models.BooleanField(
        _("open to all delegates"), default=True, help_text=_("Off: by invitation only.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    refuses_rsvp_clashes = models.BooleanField(
        _("refuse clashing RSVPs"),
        default=False,
        help_text=_(
            "On: a delegate with a confirmed seat at the same time elsewhere cannot reserve "
            "a seat here. Off: they are only warned."
        ),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["forum", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "slug"], name="event_slug_unique_per_forum"),
        ]

    def __str__(self):
        return self.title

    class urls(urlman.Urls):
        public = "{self.prefix}/events/{self.slug}/"
        ical = "{public}event.ics"

    @property
    def prefix(self) -> str:
        return language_prefix()


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(event__is_published=True, event__forum__is_published=True)

    def active(self):
        return self.filter(is_cancelled=False)


class Session(models.Model):
    """A slot of an event in one room: a keynote, panel, release, pitch, …"""

    class Type(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        ROUNDTABLE = "roundtable", _("Roundtable")
        RELEASE = "release", _("Release")
        PITCH = "pitch", _("Pitch")
        AWARD = "award", _("Award")
        BREAK = "break", _("Break")

    class Language(models.TextChoices):
        ZH = "zh", _("Chinese")
        EN = "en", _("English")
        BOTH = "both", _("Chinese and English")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.KEYNOTE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room")
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    moderators = models.ManyToManyField(
        Speaker, blank=True, related_name="moderated_sessions", verbose_name=_("moderators")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="sessions", verbose_name=_("themes")
    )
    language = models.CharField(
        _("language"), max_length=4, choices=Language.choices, default=Language.ZH
    )
    interpretation = models.BooleanField(_("simultaneous interpretation"), default=False)
    livestream_url = models.URLField(_("livestream URL"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    rsvp_required = models.BooleanField(_("RSVP required"), default=False)
    rsvp_closes_at = models.DateTimeField(
        _("RSVP closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: reservations close when the session starts."),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    sequence = models.PositiveIntegerField(_("iCalendar sequence"), default=0, editable=False)
    released_in = models.PositiveIntegerField(
        _("first released in version"), null=True, blank=True, editable=False
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("programme", "session")
        verbose_name_plural = pgettext_lazy("programme", "sessions")
        ordering = ["starts_at", "room__venue__position", "room__position", "pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="session_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        # The no-overlap rule per room is an exclusion constraint added on PostgreSQL only
        # (migration 0003): SQLite cannot parse EXCLUDE, so services check it there.

    def __str__(self):
        return self.title

    class urls(urlman.Urls):
        public = "{self.prefix}/sessions/{self.code}/"
        ical = "{public}session.ics"

    @property
    def prefix(self) -> str:
        return language_prefix()

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def rsvp_deadline(self):
        """When reservations close: the set moment, or the start of the session."""
        return self.rsvp_closes_at or self.starts_at


class Release(models.Model):
    """A numbered version of the public schedule, with what changed since the one before."""

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="releases", verbose_name=_("forum")
    )
    number = models.PositiveIntegerField(_("version"))
    released_at = models.DateTimeField(_("released at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    comment = models.CharField(
        _("release note"),
        max_length=500,
        blank=True,
        help_text=_("What changed and why, for the public changelog, in English and Chinese."),
    )
    # {code: {"starts_at", "ends_at", "room", "cancelled", "title_en", "title_zh_hans"}}
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    # {"added": [...], "moved": [...], "cancelled": [...]}: rows for the public changelog.
    changes = models.JSONField(_("changes"), default=dict, editable=False)

    class Meta:
        verbose_name = _("schedule release")
        verbose_name_plural = _("schedule releases")
        ordering = ["forum", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "number"], name="release_number_unique"),
        ]
        permissions = [("release_schedule", _("Can release the schedule"))]

    def __str__(self):
        return f"{self.forum} v{self.number}"


class WorkingChange(models.Model):
    # The event fields the working programme versions (the rest of an event is edited live).
    EVENT_FIELDS = (
        "title_en",
        "title_zh_hans",
        "description_en",
        "description_zh_hans",
        "type",
        "venue",
        "is_public",
        "is_published",
    )

    """An unreleased edit of one session or event: the working programme, applied at release.

    ``values`` holds only what differs from the live (released) row, as JSON: datetimes in ISO
    format, the room and venue by id, speakers, moderators and themes as lists of ids. A new
    session is a row without ``session``, holding every field and its ``code``.
    """

    class Kind(models.TextChoices):
        SESSION = "session", pgettext_lazy("programme", "session")
        NEW_SESSION = "new_session", _("new session")
        EVENT = "event", _("event")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="working_changes", verbose_name=_("forum")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="working_changes", verbose_name=_("event")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_changes",
        verbose_name=pgettext_lazy("programme", "session"),
    )
    code = models.SlugField(_("code"), max_length=40, blank=True)
    values = models.JSONField(_("working values"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("working change")
        verbose_name_plural = _("working changes")
        ordering = ["forum", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(session__isnull=False),
                name="working_change_one_per_session",
            ),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(kind="event"),
                name="working_change_one_per_event",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(kind="new_session"),
                name="working_change_new_code_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code or self.event_id}"


class ExportFragment(models.Model):
    """One session, event, room or speaker of the public exports, written when the schedule
    changed (``services.prepare_exports``) so that an export's request assembles rather than
    builds: a session's JSON object and VEVENT, an event's, room's or speaker's JSON object, in
    one language, in its place in the document, for one version of the forum's schedule
    (``Forum.cache_version``) and one ``SITE_URL`` (the documents hold absolute URLs). The
    document's head (the forum, its version and releases) is written by each request. A version
    without fragments (between a change and its preparation) is built from scratch.

    A session's fragment also holds its page's title and content and its card with the day a
    list of cards shows it under, as the session and speaker pages show them to a visitor, with
    ``PAGE_HERE`` where the visitor's login links name the page to come back to (the request's
    path, put in by each request)."""

    # Where a prepared page or card names the page it is shown on (``?next=``): letters, digits
    # and ``/-`` only, so quoting and escaping leave it as it is.
    PAGE_HERE = "/zgc-page-here-3f9c1e27/"

    DERIVED = True  # written from the programme's rows: no content of its own (demo digest)

    class Kind(models.TextChoices):
        SESSION = "session", pgettext_lazy("programme", "session")
        EVENT = "event", _("event")
        ROOM = "room", _("room")
        SPEAKER = "speaker", _("speaker")

    # No database constraints on the foreign keys: checking one takes a share lock on the
    # referenced row, and the services hold their event's and forum's rows locked while they
    # hand this preparation over (it would wait for them while they waited for it).
    forum = models.ForeignKey(
        Forum,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name=_("forum"),
    )
    version = models.PositiveIntegerField(_("cache version"))
    site = models.CharField(_("site"), max_length=200)
    language = models.CharField(_("language"), max_length=10)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField(_("object id"))
    # Its place in the document: the events, then the rooms, the speakers, the sessions.
    position = models.PositiveIntegerField(_("position"))
    # A session's event: an event's calendar holds the VEVENTs of its sessions.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    json = models.TextField(_("JSON"))
    vevent = models.TextField(_("VEVENT"), blank=True)
    page_title = models.TextField(_("page title"), blank=True)
    page = models.TextField(_("page"), blank=True)
    card = models.TextField(_("card"), blank=True)
    card_day = models.TextField(_("day of the card"), blank=True)  # its long day, escaped

    class Meta:
        verbose_name = _("export fragment")
        verbose_name_plural = _("export fragments")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "language", "kind", "object_id"], name="export_fragment_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["forum", "language", "position"], name="export_fragment_order")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.language})"
