"""Sessions and speakers in and out of spreadsheets (``core.imports``).

Imported sessions go to the **working programme** (``services.stage_new_session``,
``services.stage_session_change``): nothing public changes until a release takes them. A row is
refused when its room is booked at that time (by a released session or by an earlier row of the
same file), when a speaker is busy, or when the user does not host its event. Speakers are saved
live by ``services.save_speaker`` (profiles are not versioned). Columns: docs/imports.md.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.imports import RefsWidget, RefWidget, ServiceResource

from . import services
from .models import Event, Room, Session, Speaker, Theme
from .rules import is_programme_team
from .selectors import speakers_for_host

DATETIME_FORMAT = "%Y-%m-%d %H:%M"


class RoomWidget(RefWidget):
    """A room as ``venue/room`` (their slugs): room slugs are unique per venue only."""

    def __init__(self):
        super().__init__(Room, field="slug")

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        venue, _sep, room = value.rpartition("/")
        found = Room.objects.filter(slug=room, venue__slug=venue).select_related("venue").first()
        if found is None:
            raise ValueError(
                _("No room “%(value)s”: write it as venue/room, with their slugs.")
                % {"value": value}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return f"{value.venue.slug}/{value.slug}" if value else ""


def _datetime():
    return widgets.DateTimeWidget(format=DATETIME_FORMAT)


class SessionResource(ServiceResource):
    """One row a session, keyed by its code: a new code stages a new session, a known one stages
    an edit of it; times in the forum's time zone (``YYYY-MM-DD HH:MM``)."""

    event = fields.Field(attribute="event", column_name="event", widget=RefWidget(Event, "slug"))
    room = fields.Field(attribute="room", column_name="room", widget=RoomWidget())
    starts_at = fields.Field(attribute="starts_at", column_name="starts_at", widget=_datetime())
    ends_at = fields.Field(attribute="ends_at", column_name="ends_at", widget=_datetime())
    rsvp_closes_at = fields.Field(
        attribute="rsvp_closes_at", column_name="rsvp_closes_at", widget=_datetime()
    )
    speakers = fields.Field(
        attribute="speakers", column_name="speakers", widget=RefsWidget(Speaker)
    )
    moderators = fields.Field(
        attribute="moderators", column_name="moderators", widget=RefsWidget(Speaker)
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=RefsWidget(Theme))
    service_errors = (services.ScheduleError,)
    required_columns = ("code", "event", "title_en", "starts_at", "ends_at", "room")

    class Meta:
        model = Session
        name = gettext_lazy("Sessions (to the working programme)")
        fields = ("code", "event", *services.SESSION_FIELDS, "speakers", "moderators", "themes")
        export_order = fields
        import_id_fields = ("code",)
        skip_unchanged = False
        skip_html_diff = False

    def __init__(self, request=None, **kwargs):
        super().__init__(request, **kwargs)
        self.booked: list[tuple[int, object, object, str]] = []  # this file's rows so far

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("event", "room__venue").prefetch_related(
                "speakers", "moderators", "themes"
            )
        return super().export(queryset=queryset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for name in ("type", "language"):
            if row.get(name) is not None:
                row[name] = str(row[name]).strip().lower()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.clean_fields(exclude=["event", "room", *errors])
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if instance.event_id and self.not_hosted(instance.event):
            errors["event"] = [_("You do not host this event.")]
        if not errors and instance.room_id and instance.starts_at and instance.ends_at:
            for room_id, starts_at, ends_at, code in self.booked:
                if (
                    room_id == instance.room_id
                    and starts_at < instance.ends_at
                    and ends_at > instance.starts_at
                ):
                    errors["room"] = [
                        _("%(room)s is already booked at that time by row “%(code)s” of this file.")
                        % {"room": instance.room, "code": code}
                    ]
        if errors:
            raise ValidationError(errors)

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        if instance is not None and self.not_hosted(instance.event):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This session belongs to an event you do not host.")]}
            )
        return instance

    def not_hosted(self, event) -> bool:
        """An event host naming an event they do not manage (the programme team hosts all)."""
        user = self.request.user if self.request else None
        if user is None or is_programme_team(user):
            return False
        return not event.managers.filter(pk=user.pk).exists()

    def save_row(self, instance, is_create, row):
        by = self.request.user if self.request else None
        data = {
            name: getattr(instance, name)
            for name in services.SESSION_FIELDS
            if is_create or name in row
        }
        if not is_create:
            # An empty cell is an empty text, as the live row's NULL is (nothing to stage).
            live = Session.objects.filter(pk=instance.pk).values(*data).first() or {}
            data = {k: None if v == "" and live.get(k) is None else v for k, v in data.items()}
        if is_create:
            services.stage_new_session(
                instance.event, code=instance.code, by=by, **data, **instance.import_m2m
            )
        else:
            services.stage_session_change(instance, by=by, **data, **instance.import_m2m)
        self.booked.append((instance.room_id, instance.starts_at, instance.ends_at, instance.code))

    def dehydrate_starts_at(self, session):
        return _local(session.starts_at)

    def dehydrate_ends_at(self, session):
        return _local(session.ends_at)

    def dehydrate_rsvp_closes_at(self, session):
        return _local(session.rsvp_closes_at)


def _local(value) -> str:
    return timezone.localtime(value).strftime(DATETIME_FORMAT) if value else ""


class SpeakerResource(ServiceResource):
    """One row a speaker, keyed by slug; saved live by ``services.save_speaker``. A host adds
    speakers and changes those of their events (and those they added)."""

    service_errors = (services.ScheduleError,)
    required_columns = ("slug", "name")

    class Meta:
        model = Speaker
        name = gettext_lazy("Speakers")
        fields = (
            "slug",
            "name",
            "name_zh",
            "affiliation_en",
            "affiliation_zh_hans",
            "country",
            "bio_en",
            "bio_zh_hans",
            "email",
            "language",
        )
        export_order = fields
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        user = self.request.user if self.request else None
        if (
            instance is not None
            and user is not None
            and not is_programme_team(user)
            and not speakers_for_host(user).filter(pk=instance.pk).exists()
        ):
            raise ValidationError({"slug": [_("This speaker is taken: choose another slug.")]})
        return instance

    def save_row(self, instance, is_create, row):
        services.save_speaker(instance, by=self.request.user if self.request else None)
