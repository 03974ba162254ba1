"""Admin of the programme. The programme team sees everything; event hosts only their events.

Host scoping happens in ``get_queryset`` (lists, change URLs, autocompletes) and in the object
permissions of ``events.rules``; an id outside the scope answers 404, never a redirect.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from core.admin import CleanAutocompleteAdmin, ServiceBackedAdmin
from core.imports import AllOrNothingImportMixin
from core.registries import WorkQueue, work_queues

from . import exports, selectors, services
from .models import (
    Event,
    Forum,
    Release,
    Room,
    Section,
    Session,
    Speaker,
    Theme,
    Venue,
    WorkingChange,
)
from .resources import SessionResource, SpeakerResource
from .rules import is_programme_reader, is_programme_team

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


LIVE_NOTICE = _(
    "Edits on this page are live: the public schedule shows them at once, without a release."
)
WORKING_NOTICE = _(
    "Edits on this page go to the working programme: the public schedule, exports and "
    "delegates see them only once the schedule is released."
)

IMPORTED_NOTICE = _(
    "Imported sessions are in the working programme: the public schedule, exports and delegates "
    "see them once the schedule is released."
)


def working_initial(values: dict) -> dict:
    """Form initial data from a working change's JSON values."""
    initial = {}
    for name, value in values.items():
        if name in services.DATETIME_FIELDS and value:
            initial[name] = parse_datetime(value)
        else:
            initial[name] = value
    return initial


class ProgrammeAdmin(CleanAutocompleteAdmin, TranslationAdmin, SimpleHistoryAdmin):
    """Bilingual fields side by side, with history."""

    formfield_overrides = HTTPS_URLS
    edit_notice = LIVE_NOTICE

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": self.edit_notice}
        return super().changeform_view(request, object_id, form_url, extra_context)

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
        if is_programme_reader(request.user):
            return queryset
        return self.scoped(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such object, or not one of yours."))
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history rows of an object the queryset hides: out of
        # scope answers 404 here too, as on the change page.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

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

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            # The row as the working programme has it (prefetched by the inline's queryset).
            for change in instance.working_changes.all():
                kwargs["initial"] = {**working_initial(change.values), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

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


class SessionInline(CleanAutocompleteAdmin, TranslationTabularInline):
    model = Session
    form = SessionInlineForm
    formfield_overrides = HTTPS_URLS
    fields = SESSION_INLINE_FIELDS
    autocomplete_fields = ["room"]
    extra = 0
    show_change_link = True
    ordering = ["starts_at", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("room__venue")
            .prefetch_related("working_changes")
        )

    def has_delete_permission(self, request, obj=None):
        return is_programme_team(request.user)


def _stage_session(form, obj, change, by):
    """The form's values into the working programme: an edit, or a new session."""
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
        return services.stage_session_change(obj, by=by, **data, **m2m)
    return services.stage_new_session(obj.event, code=obj.code, by=by, **data, **m2m)


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
    actions = ["export_csv"]
    change_form_template = "admin/events/forum/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:forum_id>/release/",
                self.admin_site.admin_view(self.release_view),
                name="events_forum_release",
            ),
            *super().get_urls(),
        ]

    def release_view(self, request, forum_id):
        """The diff between the last release and the working programme; release or revert."""
        forum = get_object_or_404(Forum, pk=forum_id)
        may_release = request.user.has_perm("events.release_schedule")
        if not may_release:
            raise PermissionDenied
        url = reverse("admin:events_forum_release", args=[forum.pk])
        if request.method == "POST":
            action = request.POST.get("action", "")
            if request.POST.get("discard", "").isdigit():
                change = get_object_or_404(
                    WorkingChange, forum=forum, pk=int(request.POST["discard"])
                )
                services.discard_working_change(change)
                self.message_user(request, _("Reverted to the released values."), messages.SUCCESS)
                return HttpResponseRedirect(url)
            if action == "discard_all":
                count = services.discard_working_programme(forum)
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d working change discarded.",
                        "%(count)d working changes discarded.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(url)
            return self._release_post(request, forum, url, action)
        only = request.GET.getlist("change")
        return self._release_page(request, forum, only=[int(pk) for pk in only if pk.isdigit()])

    def _release_page(
        self, request, forum, *, only=(), chosen=None, form_data=None, confirm=False, error=""
    ):
        diff = selectors.working_diff(forum)
        rows = [row for row in diff.rows if not only or row["id"] in only]
        audience = selectors.release_audience(forum, rows)
        chosen = set(chosen if chosen is not None else [row["id"] for row in rows])
        for row in rows:
            row["audience"] = audience.get(row["id"], {})
            row["audience_total"] = sum(row["audience"].values())
            row["chosen"] = row["id"] in chosen
        chosen_rows = [row for row in rows if row["chosen"]]
        totals = selectors.release_audience(forum, chosen_rows)["total"] if confirm else {}
        days: dict = {}
        for row in rows:
            days.setdefault(row["day"], []).append(row)
        hosts: dict = {}
        for row in rows:
            if row["by_host"]:
                hosts.setdefault(row["event_title"], []).append(row)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Release the schedule"),
            "subtitle": forum.name,
            "forum": forum,
            "diff": diff,
            "days": sorted(days.items(), key=lambda item: (item[0] is not None, item[0] or "")),
            "hosts": sorted(hosts.items()),
            "rows": rows,
            "only": only,
            "chosen_rows": chosen_rows,
            "needs_note": any(row["released"] for row in chosen_rows),
            "totals": totals,
            "total_people": sum(totals.values()),
            "note_en": (form_data or {}).get("note_en", ""),
            "note_zh": (form_data or {}).get("note_zh", ""),
            "confirm": confirm,
            "error": error,
            "kinds": dict(KIND_LABELS),
            "languages": dict(settings.LANGUAGES),
            "next_number": forum.release_number + 1,
        }
        return TemplateResponse(request, "admin/events/forum/release.html", context)

    def _release_post(self, request, forum, url, action):
        chosen = [int(pk) for pk in request.POST.getlist("change") if pk.isdigit()]
        only = [int(pk) for pk in request.POST.getlist("only") if pk.isdigit()]
        data = {
            "note_en": request.POST.get("note_en", "").strip(),
            "note_zh": request.POST.get("note_zh", "").strip(),
        }
        diff_hash = request.POST.get("diff_hash", "")
        if action == "review":
            diff = selectors.working_diff(forum)
            error = ""
            if diff_hash != diff.hash:
                error = _(
                    "The programme changed since this page was shown: check the changes again."
                )
            elif not chosen:
                error = _("Choose at least one change to release.")
            elif any(r["released"] for r in diff.rows if r["id"] in chosen) and not (
                data["note_en"] or data["note_zh"]
            ):
                error = _("This release changes sessions already released: write a release note.")
            return self._release_page(
                request,
                forum,
                only=only,
                chosen=chosen,
                form_data=data,
                confirm=not error,
                error=error,
            )
        try:
            release = services.release_schedule(
                forum,
                by=request.user,
                note_en=data["note_en"],
                note_zh=data["note_zh"],
                change_ids=chosen,
                diff_hash=diff_hash,
            )
        except services.ReleaseError as exc:
            return self._release_page(
                request, forum, only=only, chosen=chosen, form_data=data, error=exc.message
            )
        self.message_user(
            request,
            _("Version %(number)s released. The people concerned are mailed once each.")
            % {"number": release.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)

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
class SpeakerAdmin(AllOrNothingImportMixin, ScopedAdmin):
    list_display = ["name", "name_zh", "affiliation", "country"]
    list_filter = ["country"]
    resource_classes = [SpeakerResource]
    search_fields = ["name", "name_zh", "affiliation_en", "affiliation_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def scoped(self, request, queryset):
        return queryset.filter(pk__in=selectors.speakers_for_host(request.user).values("pk"))

    def save_model(self, request, obj, form, change):
        services.save_speaker(obj, by=request.user)


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

    edit_notice = WORKING_NOTICE

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        working = WorkingChange.objects.filter(event=obj, kind=WorkingChange.Kind.EVENT).first()
        if working is None:
            return form
        initial = working_initial(
            {("venue" if k == "venue" else k): v for k, v in working.values.items()}
        )

        class WorkingEventForm(form):
            def __init__(self, *args, **kw):
                kw["initial"] = {**initial, **kw.get("initial", {})}
                super().__init__(*args, **kw)

        return WorkingEventForm

    def save_model(self, request, obj, form, change):
        if not change:
            # A new event is created unpublished; its publication waits for the release.
            staged = {"is_published": obj.is_published} if obj.is_published else {}
            obj.is_published = False
            services.save_event(obj)
            if staged:
                services.stage_event_change(obj, by=request.user, **staged)
            return
        live = Event.objects.get(pk=obj.pk)
        staged = {}
        for name in services.EVENT_FIELDS:
            attname = "venue_id" if name == "venue" else name
            staged[name] = getattr(obj, attname)
            setattr(obj, attname, getattr(live, attname))
        services.stage_event_change(obj, by=request.user, **staged)
        # What is not versioned (host, co-organizers, managers, order…) is saved live.
        live_changed = set(form.changed_data) - {
            *services.EVENT_FIELDS,
            "title",
            "description",
            "venue",
        }
        if live_changed:
            services.save_event(obj)
        else:
            obj.save()

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
                # nobody is told); cancelling keeps it as STATUS:CANCELLED with its history and
                # frees the room. The cancellation is staged: the release tells its followers.
                services.stage_session_change(session, by=request.user, is_cancelled=True)
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
                _stage_session(session_form, instance, change, request.user)
            if change:
                formset.changed_objects.append((instance, session_form.changed_data))
        for session in cancelled:  # told once the whole save is sure to hold
            self.message_user(
                request,
                _(
                    "“%(session)s” was already released: its cancellation is staged instead "
                    "of a deletion, and the people following it are told at the release."
                )
                % {"session": session},
                messages.WARNING,
            )
        _say_staged(self, request, form.instance.forum_id)


class UnreleasedFilter(admin.SimpleListFilter):
    """Sessions whose edits wait in the working programme for the next release."""

    title = _("release")
    parameter_name = "unreleased"

    def lookups(self, request, model_admin):
        return [("yes", _("Edited since the last release")), ("no", _("As released"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(has_working_change=self.value() == "yes")
        return queryset


@admin.register(Session)
class SessionAdmin(AllOrNothingImportMixin, ServiceBackedAdmin, ScopedAdmin):
    form = SessionAdminForm
    resource_classes = [SessionResource]
    skip_admin_log = True  # an imported session exists once released; its working change says who
    service_errors = (services.ScheduleError,)
    list_display = [
        "title",
        "event",
        "starts_at",
        "ends_at",
        "room",
        "type",
        "is_cancelled",
        "unreleased",
    ]
    list_filter = [
        UnreleasedFilter,
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
    actions = ["cancel_selected", "restore_selected", export_sessions_csv]
    ordering = ["starts_at", "pk"]

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        messages.info(request, IMPORTED_NOTICE)

    def scoped(self, request, queryset):
        return queryset.filter(event__managers=request.user)

    def get_queryset(self, request):
        edited = WorkingChange.objects.filter(session=models.OuterRef("pk"))
        return super().get_queryset(request).annotate(has_working_change=models.Exists(edited))

    @admin.display(
        boolean=True, description=_("edited, not released"), ordering="has_working_change"
    )
    def unreleased(self, obj) -> bool:
        """Shown as released on the public pages; an edit waits for the next release."""
        return obj.has_working_change

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event" and not is_programme_team(request.user):
            kwargs["queryset"] = Event.objects.filter(managers=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("speakers", "moderators") and not is_programme_team(request.user):
            kwargs["queryset"] = selectors.speakers_for_host(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    edit_notice = WORKING_NOTICE

    change_form_template = "admin/events/session/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        working = (
            WorkingChange.objects.filter(session_id=object_id).first()
            if str(object_id).isdigit()
            else None
        )
        extra_context = {
            **(extra_context or {}),
            "working_change": working,
            "may_release": request.user.has_perm("events.release_schedule"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        working = WorkingChange.objects.filter(session=obj).first()
        if working is None:
            return form
        initial = working_initial(working.values)
        initial.pop("is_cancelled", None)

        class WorkingSessionForm(form):
            def __init__(self, *args, **kw):
                kw["initial"] = {**initial, **kw.get("initial", {})}
                super().__init__(*args, **kw)

        return WorkingSessionForm

    def save_model(self, request, obj, form, change):
        # The edit goes to the working programme, checked against the released one; the
        # release checks it again under its locks and names what refuses it.
        _stage_session(form, obj, change, request.user)
        if not change:
            # Nothing live was created: the change page has no row to show yet.
            self._staged_new = True

    def response_add(self, request, obj, post_url_continue=None):
        forum_id = obj.event.forum_id
        _say_staged(self, request, forum_id)
        return HttpResponseRedirect(
            reverse("admin:events_forum_release", args=[forum_id])
            if request.user.has_perm("events.release_schedule")
            else reverse("admin:events_session_changelist")
        )

    def response_change(self, request, obj):
        _say_staged(self, request, obj.event.forum_id)
        return super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        return None  # the session exists once released; the working change records who

    def save_related(self, request, form, formsets, change):
        # Speakers, moderators and themes were staged with the rest.
        if change:
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

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
                services.stage_session_change(session, by=request.user, is_cancelled=True)
                cancelled += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d cancellation staged: it is public once the schedule is released.",
                "%(count)d cancellations staged: they are public once the schedule is released.",
                cancelled,
            )
            % {"count": cancelled},
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore selected cancelled sessions"), permissions=["change"])
    def restore_selected(self, request, queryset):
        restored = 0
        for session in queryset.filter(is_cancelled=True).order_by("starts_at", "pk"):
            if not request.user.has_perm("events.change_session", session):
                continue
            try:
                services.stage_session_change(session, by=request.user, is_cancelled=False)
            except services.ScheduleError as exc:
                self.message_user(request, f"{session.code}: {exc.message}", messages.WARNING)
            else:
                restored += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d restoration staged: it is public once the schedule is released.",
                "%(count)d restorations staged: they are public once the schedule is released.",
                restored,
            )
            % {"count": restored},
            messages.SUCCESS,
        )


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = [
        "forum",
        "number",
        "released_at",
        "released_by",
        "comment_en",
        "comment_zh_hans",
    ]
    list_filter = ["forum"]
    list_select_related = ["forum", "released_by"]
    search_fields = ["comment_en", "comment_zh_hans"]
    fields = [
        "forum",
        "number",
        "released_at",
        "released_by",
        "comment_en",
        "comment_zh_hans",
        "changes",
    ]
    readonly_fields = ["forum", "number", "released_at", "released_by", "snapshot", "changes"]

    def has_add_permission(self, request):
        return False


KIND_LABELS = [
    ("added", _("Added")),
    ("moved", _("Moved")),
    ("cancelled", _("Cancelled")),
    ("restored", _("Restored")),
    ("retitled", _("Re-titled")),
    ("speakers", _("Speakers changed")),
    ("capacity", _("Seats changed")),
    ("details", _("Details changed")),
    ("event_retitled", _("Event re-titled")),
    ("published", _("Event published")),
    ("unpublished", _("Event unpublished")),
    ("event_details", _("Event details changed")),
]


def _say_staged(modeladmin, request, forum_id) -> None:
    url = reverse("admin:events_forum_release", args=[forum_id])
    modeladmin.message_user(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Saved in the working programme: the public schedule changes at the next release."),
            url,
            _("Release page"),
        ),
        messages.INFO,
    )


# The admin index's work queues (core.registries.work_queues): a host's count is of their events.
work_queues.register(
    WorkQueue(
        "events-unreleased",
        _("Sessions edited since the last release"),
        "events.Session",
        {"unreleased": "yes"},
        rows=lambda sessions: sessions.filter(has_working_change=True),
        order=30,
    )
)
