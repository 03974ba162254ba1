"""Admin of the programme. The programme team sees everything; event hosts only their events.

Host scoping happens in ``get_queryset`` (lists, change URLs, autocompletes) and in the object
permissions of ``events.rules``; an id outside the scope answers 404, never a redirect.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ServiceBackedAdmin

from . import exports, selectors, services
from .models import Event, Forum, Release, Room, Section, Session, Speaker, Theme, Venue
from .rules import is_programme_team

# The row of a session in its event's page: its name, type and slot.
SESSION_INLINE_FIELDS = [
    "code",
    "title_en",
    "title_zh_hans",
    "type",
    "starts_at",
    "ends_at",
    "room",
]


# A bare "example.com" typed into a URL field becomes https://example.com (Django 6's default;
# saying so silences RemovedInDjango60Warning).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """Form fields of a model form's Meta, with URL fields assuming https like the admin's."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ProgrammeAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Bilingual fields side by side, with history."""

    formfield_overrides = HTTPS_URLS

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.touch_every_schedule()  # names of rooms, venues, themes show in cached pages

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.touch_every_schedule()


class ScopedAdmin(ProgrammeAdmin):
    """Rows outside the user's scope do not exist for them (404), object rules decide the rest."""

    def scoped(self, request, queryset):
        return queryset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_programme_team(request.user):
            return queryset
        return self.scoped(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such object, or not one of yours."))
        return obj

    def _perm(self, request, action, obj):
        opts = self.opts
        if obj is None:
            return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj)

    def has_view_permission(self, request, obj=None):
        return self._perm(request, "view", obj) or self._perm(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return is_programme_team(request.user) and super().has_delete_permission(request, obj)


def _schedule_error_to_form(form, exc: services.ScheduleError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class SessionAdminForm(forms.ModelForm):
    """The checks of the session's services, as field errors before the save. The services check
    again under their locks at save time; ServiceBackedAdmin shows what they refuse then."""

    class Meta:
        model = Session
        formfield_callback = https_formfield
        # The services' fields, and what else the page shows: the event, the code (set once,
        # by create_session), the people and themes (the services' m2m), the cancellation
        # (read-only: the cancel action).
        fields = [
            "event",
            "code",
            *services.SESSION_FIELDS,
            "speakers",
            "moderators",
            "themes",
            "is_cancelled",
        ]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.is_cancelled:
            return data
        event = data.get("event") or getattr(self.instance, "event", None)
        if event is None:
            return data
        room, capacity = data.get("room"), data.get("capacity")
        if room is not None and capacity is not None and capacity > room.capacity:
            self.add_error(
                "capacity",
                _("%(room)s has %(seats)d seats: the capacity cannot be larger.")
                % {"room": room, "seats": room.capacity},
            )
            return data
        try:
            services.validate_session(
                event,
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
                room=data.get("room"),
                people=[*data.get("speakers", []), *data.get("moderators", [])],
                exclude_pk=self.instance.pk,
            )
        except services.ScheduleError as exc:
            _schedule_error_to_form(self, exc)
        return data


class SessionInlineForm(forms.ModelForm):
    class Meta:
        model = Session
        formfield_callback = https_formfield
        fields = SESSION_INLINE_FIELDS

    def clean(self):
        data = super().clean()
        event = self.instance.event if self.instance.event_id else None
        if self.errors or event is None or self.instance.is_cancelled:
            return data
        try:
            services.validate_session(
                event,
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
                room=data.get("room"),
                people=list(self.instance.speakers.all()) if self.instance.pk else [],
                exclude_pk=self.instance.pk,
            )
        except services.ScheduleError as exc:
            _schedule_error_to_form(self, exc)
        return data


class SessionInline(TranslationTabularInline):
    model = Session
    form = SessionInlineForm
    formfield_overrides = HTTPS_URLS
    fields = SESSION_INLINE_FIELDS
    autocomplete_fields = ["room"]
    extra = 0
    show_change_link = True
    ordering = ["starts_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room__venue")

    def has_delete_permission(self, request, obj=None):
        return is_programme_team(request.user)


def _save_session_through_services(form, obj, change):
    data = {
        name: form.cleaned_data[name]
        for name in services.SESSION_FIELDS
        if name in form.cleaned_data
    }
    m2m = {
        name: form.cleaned_data[name]
        for name in ("speakers", "moderators", "themes")
        if name in form.cleaned_data
    }
    if change:
        return services.update_session(obj, **data, **m2m)
    return services.create_session(obj.event, code=obj.code, **data, **m2m)


@admin.action(description=_("Export selected sessions as CSV"), permissions=["view"])
def export_sessions_csv(modeladmin, request, queryset):
    rows = queryset.select_related("event__section", "room__venue").prefetch_related(
        "speakers", "moderators"
    )
    response = HttpResponse(exports.sessions_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sessions.csv"'
    return response


@admin.register(Forum)
class ForumAdmin(ProgrammeAdmin):
    list_display = ["name", "edition", "starts_on", "ends_on", "is_published", "release_number"]
    list_filter = ["is_published"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    readonly_fields = ["release_number", "cache_version", "schedule_changed_at"]
    actions = ["release_selected", "export_csv"]

    @admin.action(
        description=_("Release the schedule (new public version)"), permissions=["change"]
    )
    def release_selected(self, request, queryset):
        for forum in queryset:
            release = services.release_schedule(forum, by=request.user)
            changes = release.changes
            self.message_user(
                request,
                _(
                    "%(forum)s: version %(number)s released (%(added)s added, %(moved)s moved, %(cancelled)s cancelled)."
                )
                % {
                    "forum": forum,
                    "number": release.number,
                    "added": len(changes["added"]),
                    "moved": len(changes["moved"]),
                    "cancelled": len(changes["cancelled"]),
                },
                messages.SUCCESS,
            )

    @admin.action(description=_("Export all sessions as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        rows = [s for forum in queryset for s in selectors.organizer_rows(forum)]
        response = HttpResponse(exports.sessions_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="programme.csv"'
        return response


@admin.register(Section)
class SectionAdmin(ProgrammeAdmin):
    list_display = ["name", "forum", "position", "colour"]
    list_filter = ["forum"]
    list_select_related = ["forum"]
    search_fields = ["name_en", "name_zh_hans", "slug"]


@admin.register(Venue)
class VenueAdmin(ProgrammeAdmin):
    list_display = ["name", "address", "position"]
    search_fields = ["name_en", "name_zh_hans", "address_en", "address_zh_hans", "slug"]


@admin.register(Room)
class RoomAdmin(ProgrammeAdmin):
    list_display = ["name", "venue", "capacity", "floor"]
    list_filter = ["venue"]
    list_select_related = ["venue"]
    search_fields = ["name_en", "name_zh_hans", "slug", "venue__name_en", "venue__name_zh_hans"]


@admin.register(Theme)
class ThemeAdmin(ProgrammeAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name_en", "name_zh_hans", "slug"]


@admin.register(Speaker)
class SpeakerAdmin(ScopedAdmin):
    list_display = ["name", "name_zh", "affiliation", "country"]
    list_filter = ["country"]
    search_fields = ["name", "name_zh", "affiliation_en", "affiliation_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def scoped(self, request, queryset):
        return queryset.filter(pk__in=selectors.speakers_for_host(request.user).values("pk"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        services.touch_for_speaker(obj)


@admin.register(Event)
class EventAdmin(ServiceBackedAdmin, ScopedAdmin):
    list_display = ["title", "section", "type", "venue", "is_public", "is_published"]
    list_filter = ["forum", "section", "type", "is_published", "is_public", "themes", "venue"]
    list_select_related = ["section", "venue"]
    search_fields = [
        "title_en",
        "title_zh_hans",
        "host_en",
        "host_zh_hans",
        "co_organizers_en",
        "co_organizers_zh_hans",
        "slug",
    ]
    autocomplete_fields = ["managers", "themes", "venue"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [SessionInline]
    service_errors = (services.ScheduleError,)

    def scoped(self, request, queryset):
        return queryset.filter(managers=request.user)

    def get_readonly_fields(self, request, obj=None):
        if is_programme_team(request.user):
            return []
        return ["forum", "section", "slug", "managers", "is_published", "position"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request, obj, form, change):
        services.save_event(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        cancelled = []
        for removed in formset.deleted_forms:
            session = removed.instance
            if not session.pk or not is_programme_team(request.user):
                continue
            try:
                services.delete_session(session, by=request.user)
            except services.SessionReleased:
                # A released session is in delegates' agendas and subscribed calendars.
                # Deleting it would make it vanish unannounced (calendars keep the stale entry,
                # nobody is told); cancelling keeps it as STATUS:CANCELLED with its history,
                # frees the room and sends session_changed, which mails everyone following it.
                # Refusing would only make the organiser go and cancel it by hand.
                session = services.cancel_session(session, by=request.user)
                formset.changed_objects.append((session, ["is_cancelled"]))
                cancelled.append(session)
            else:
                formset.deleted_objects.append(session)
        for session_form in formset.forms:
            if session_form in formset.deleted_forms or not session_form.has_changed():
                continue
            instance = session_form.instance
            instance.event = form.instance
            change = bool(instance.pk)
            # A booking committed after the row was checked (its speaker elsewhere) wins: the
            # whole save is undone and the row says why (saving the rest would report "changed
            # successfully" over a lost edit).
            with self.refusal_on(session_form):
                saved = _save_session_through_services(session_form, instance, change)
            if change:
                formset.changed_objects.append((saved, session_form.changed_data))
            else:
                instance.pk = saved.pk
                formset.new_objects.append(saved)
        services.touch_schedule(form.instance.forum_id)
        for session in cancelled:  # told once the whole save is sure to hold
            self.message_user(
                request,
                _(
                    "“%(session)s” was already released: it is cancelled instead of deleted, "
                    "and the people following it are told."
                )
                % {"session": session},
                messages.WARNING,
            )


@admin.register(Session)
class SessionAdmin(ServiceBackedAdmin, ScopedAdmin):
    form = SessionAdminForm
    service_errors = (services.ScheduleError,)
    list_display = ["title", "event", "starts_at", "ends_at", "room", "type", "is_cancelled"]
    list_filter = [
        "event__section",
        "type",
        "language",
        "interpretation",
        "rsvp_required",
        "is_cancelled",
        "room__venue",
    ]
    list_select_related = ["event", "room__venue"]
    search_fields = [
        "code",
        "title_en",
        "title_zh_hans",
        "event__title_en",
        "event__title_zh_hans",
        "speakers__name",
        "speakers__name_zh",
    ]
    autocomplete_fields = ["event", "room", "speakers", "moderators", "themes"]
    readonly_fields = ["is_cancelled", "sequence", "released_in"]
    actions = ["cancel_selected", export_sessions_csv]
    ordering = ["starts_at", "pk"]

    def scoped(self, request, queryset):
        return queryset.filter(event__managers=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event" and not is_programme_team(request.user):
            kwargs["queryset"] = Event.objects.filter(managers=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("speakers", "moderators") and not is_programme_team(request.user):
            kwargs["queryset"] = selectors.speakers_for_host(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service checks the slot again under its locks: a booking committed after the
        # form's check (the same speaker elsewhere, or the room on PostgreSQL's constraint) wins,
        # and the form is shown again with the reason (ServiceBackedAdmin).
        saved = _save_session_through_services(form, obj, change)
        if not change:
            self.adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_session(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            try:
                for session in queryset.order_by("pk"):
                    services.delete_session(session, by=request.user)
            except services.SessionReleased as exc:
                # Released since the confirmation page: nothing is deleted, as for a released
                # session among those selected (has_delete_permission).
                raise PermissionDenied(str(exc)) from exc

    def has_delete_permission(self, request, obj=None):
        # A released session is in delegates' agendas and calendars: it is cancelled (the
        # "Cancel selected sessions" action tells everyone following it), never deleted. This
        # also keeps it out of "Delete selected" (Django asks this for every selected row).
        if obj is not None and obj.released_in is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        # Speakers, moderators and themes were set by the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Cancel selected sessions"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        sessions = list(queryset.order_by("starts_at", "pk"))
        if is_programme_team(request.user):
            allowed = {session.pk for session in sessions}
        else:
            # events.change_session for every row in one query (events.rules.is_event_host:
            # sessions of events the user manages), not one permission check per row.
            allowed = set(
                queryset.filter(event__managers=request.user).values_list("pk", flat=True)
            )
        cancelled = 0
        for session in sessions:
            if session.pk not in allowed:
                self.message_user(
                    request,
                    _("“%(session)s” is not a session of one of your events: left unchanged.")
                    % {"session": session},
                    messages.WARNING,
                )
            elif not session.is_cancelled:
                services.cancel_session(session, by=request.user)
                cancelled += 1
        self.message_user(
            request,
            ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["forum", "number", "released_at", "released_by", "comment"]
    list_filter = ["forum"]
    list_select_related = ["forum", "released_by"]
    search_fields = ["comment"]
    readonly_fields = ["forum", "number", "released_at", "released_by", "snapshot", "changes"]

    def has_add_permission(self, request):
        return False
