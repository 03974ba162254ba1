from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ServiceBackedAdmin, confirmation_page, confirmed
from core.imports import AllOrNothingImportMixin
from core.registries import WorkQueue, work_queues

from . import services
from .forms import ReasonForm
from .models import (
    Application,
    ApplicationEvent,
    Booth,
    BoothAssignment,
    ExhibitionSection,
    Hall,
    Invitation,
    Membership,
    Organization,
)
from .resources import BoothResource, OccupancyResource, OrganizationResource


@admin.register(ExhibitionSection)
class ExhibitionSectionAdmin(TranslationAdmin):
    list_display = [
        "name",
        "position",
        "capacity_m2",
        "approved_m2",
        "booths_m2",
        "applications_open_at",
        "applications_close_at",
    ]
    list_editable = ["applications_open_at", "applications_close_at"]
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        approved = Q(applications__status=Application.Status.APPROVED)
        # A subquery, not a second join: joining booths too would multiply the approved sum.
        booths = (
            Booth.objects.filter(section=OuterRef("pk"))
            .order_by()
            .values("section")
            .annotate(m2=Sum("area_m2"))
            .values("m2")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _approved=Sum("applications__area_m2", filter=approved),
                _booths=Subquery(booths),
            )
        )

    @admin.display(description=_("booths (m²)"), ordering="_booths")
    def booths_m2(self, obj):
        return services.m2(obj._booths or 0)

    @admin.display(description=_("approved (m²)"), ordering="_approved")
    def approved_m2(self, obj):
        return obj._approved or 0


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a membership is someone's: another person is another membership
            self.fields["user"].disabled = True


class MembershipInline(admin.TabularInline):
    """Members and their roles, changed through the services (an organization keeps at least one
    administrator, and its main contact)."""

    model = Membership
    form = MembershipForm
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(
    AllOrNothingImportMixin, ServiceBackedAdmin, SimpleHistoryAdmin, TranslationAdmin
):
    list_display = ["name", "name_zh_hans", "country", "is_published", "n_applications"]
    list_filter = ["is_published", "country"]
    # Both languages explicitly: modeltranslation would search only the admin's language.
    search_fields = ["name_en", "name_zh_hans", "credit_code", "registration_number", "slug"]
    raw_id_fields = ["main_contact"]
    inlines = [MembershipInline]
    readonly_fields = ["code", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    service_errors = (services.ExhibitorError,)
    resource_classes = [OrganizationResource]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_applications=Count("applications"))

    @admin.display(description=_("applications"), ordering="_applications")
    def n_applications(self, obj):
        return obj._applications

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The form saves the whole row, listing flag included, as read before the POST: an
        # application approved meanwhile would be undone here without this.
        services.refresh_listing(obj.pk)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        kept = [row for row in formset.forms if row not in formset.deleted_forms]
        # New administrators first, removals last: a save that hands the administration over
        # never passes through an organization without one, which the services refuse.
        kept.sort(key=lambda row: row.cleaned_data.get("role") != Membership.Role.ADMIN)
        for row in kept:
            if not row.has_changed():
                continue
            with self.refusal_on(row):
                if row.instance.pk:
                    saved = services.change_role(
                        row.instance, row.cleaned_data["role"], by=request.user
                    )
                    formset.changed_objects.append((saved, row.changed_data))
                else:
                    saved = services.add_member(
                        form.instance,
                        user=row.cleaned_data["user"],
                        role=row.cleaned_data["role"],
                        by=request.user,
                    )
                    formset.new_objects.append(saved)
        for row in formset.deleted_forms:
            if row.instance.pk is None:
                continue
            with self.refusal_on(row):
                services.remove_member(row.instance, by=request.user)
            formset.deleted_objects.append(row.instance)


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


FIXED_SECTION = _(
    "Fixed once the application is submitted: approval counts its floor area against this "
    "section's capacity. An exhibitor who wants another section withdraws and applies again; "
    "organizers can reject or reopen the application."
)
FIXED_AREA = _(
    "Fixed once the application is submitted: approval counts this floor area against the "
    "section's capacity."
)
FIXED_DECLARATION = _("The applicant's own declaration: fixed once the application is submitted.")


class ApplicationAdminForm(forms.ModelForm):
    class Meta:
        model = Application
        # What the services write, and who applies where (create_application's organization,
        # section and applicant). ApplicationAdmin narrows these by the application's status
        # (get_readonly_fields).
        fields = ["organization", "section", *services.APPLICATION_FIELDS, "applicant"]
        # Shown on the fields while they are editable (a draft) and once they are read-only.
        help_texts = {
            "section": FIXED_SECTION,
            "booth_type": FIXED_AREA,
            "area_m2": FIXED_AREA,
            "declares_accuracy": FIXED_DECLARATION,
            "accepts_rules": FIXED_DECLARATION,
            "declares_safety": FIXED_DECLARATION,
        }

    def clean(self):
        data = super().clean()
        # The services' rules as field errors (the services check them again under their locks);
        # an error here also spares the model's constraints from reporting the same field.
        organization = data.get("organization") if "organization" in self.fields else None
        if organization is None and self.instance.organization_id:
            organization = self.instance.organization
        applicant = data.get("applicant")
        # Only a new applicant: one who left the organization since does not block corrections.
        if organization is not None and applicant is not None and "applicant" in self.changed_data:
            self._check("applicant", services.check_applicant, organization, applicant)
        if {"booth_type", "area_m2"} <= set(self.fields):
            self._check("area_m2", services.check_area, data.get("booth_type"), data.get("area_m2"))
        preferences = ["preference_1", "preference_2", "preference_3"]
        if set(preferences) <= set(self.fields):
            self._check(
                None,
                services.check_preferences,
                {name: data.get(name) for name in preferences},
            )
        self._fixed_meanwhile()
        return data

    def _fixed_meanwhile(self) -> None:
        """A form loaded while the application was a draft, posted once it is not, changes its
        section, booth type or area: refuse the save rather than drop that change unseen."""
        if self.instance.pk is None:
            return
        changed = []
        for name in ("section", "booth_type", "area_m2"):
            if name in self.fields or name not in self.data:  # read-only when loaded, or now
                continue
            model_field = Application._meta.get_field(name)
            field = model_field.formfield()
            posted = field.widget.value_from_datadict(self.data, self.files, name)
            if field.has_changed(model_field.value_from_object(self.instance), posted):
                changed.append(name)
        self._check(None, services.check_correctable, self.instance.status, changed)

    def _check(self, field, check, *args) -> None:
        if field in self.errors:
            return
        try:
            check(*args)
        except services.ApplicationError as exc:
            self.add_error(field, str(exc))


class ReviewStatusFilter(admin.SimpleListFilter):
    """The status filter of the review list, which opens on what awaits review.

    "All" is a value of its own (``all``), so the list without a status can be asked for while
    the bare address leads to the applications submitted (``ApplicationAdmin.changelist_view``).
    """

    title = _("status")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [("all", _("All")), *Application.Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value in (None, "all") else queryset.filter(status=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Application)
class ApplicationAdmin(ServiceBackedAdmin, SimpleHistoryAdmin):
    form = ApplicationAdminForm
    service_errors = (services.ApplicationError,)
    # The model's order, read-only fields in their place.
    fields = [
        "organization",
        "section",
        "status",
        *services.APPLICATION_FIELDS,
        "applicant",
        "decision_reason",
        "created_at",
        "submitted_at",
        "status_changed_at",
    ]
    # Seven narrow columns fit 1280 px beside the admin's menu and the filters.
    list_display = [
        "organization",
        "section",
        "status",
        "booth",
        "exhibit_field",
        "submitted_on",
    ]
    list_filter = [ReviewStatusFilter, "section", "booth_type", "exhibit_field"]
    date_hierarchy = "submitted_at"
    # The queue shows organization and section names: fetch them with the page, not per row.
    list_select_related = ["organization", "section"]
    search_fields = [
        "organization__name_en",
        "organization__name_zh_hans",
        "organization__credit_code",
    ]
    raw_id_fields = ["organization", "applicant"]
    # Status only moves through the services: the form cannot bypass the transition table.
    readonly_fields = [
        "status",
        "decision_reason",
        "submitted_at",
        "status_changed_at",
        "created_at",
    ]
    inlines = [ApplicationEventInline]
    actions = [
        "approve_selected",
        "reject_selected",
        "waitlist_selected",
        "reopen_selected",
        "withdraw_selected",
    ]
    ordering = ["section__position", "submitted_at", "pk"]

    # (action, label, target status, who): the buttons on one application's page.
    REVIEW_BUTTONS = [
        ("approve_selected", _("Approve"), Application.Status.APPROVED),
        ("waitlist_selected", _("Waiting list"), Application.Status.WAITLISTED),
        ("reject_selected", _("Reject…"), Application.Status.REJECTED),
        ("reopen_selected", _("Reopen"), Application.Status.SUBMITTED),
        ("withdraw_selected", _("Withdraw"), Application.Status.WITHDRAWN),
    ]

    @admin.display(description=_("booth"), ordering="area_m2")
    def booth(self, application):
        return gettext("%(type)s, %(area)s m²") % {
            "type": Booth.Type(application.booth_type).label,
            "area": application.area_m2,
        }

    @admin.display(description=_("submitted on"), ordering="submitted_at")
    def submitted_on(self, application):
        if application.submitted_at is None:
            return "–"
        return date_format(timezone.localtime(application.submitted_at), "SHORT_DATE_FORMAT")

    def changelist_view(self, request, extra_context=None):
        # The bare list opens on what awaits review; actions post to it with their own query.
        if request.method == "GET" and not request.GET:
            return redirect(f"{request.path}?status__exact={Application.Status.SUBMITTED}")
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # An application stays with the organization that made it (its history, its mails);
        # once submitted, its section, booth and declarations stay as the applicant sent them
        # (services.DRAFT_ONLY_FIELDS: approval counts the area against the section's capacity).
        fixed = [
            name
            for name in services.DRAFT_ONLY_FIELDS
            if name not in services.correctable_fields(obj.status)
        ]
        return [*self.readonly_fields, "organization", *fixed]

    def save_model(self, request, obj, form, change):
        if not change:
            self._create(request, obj, form)
            return
        # Only what the form changed, under the row's lock: never the status or the decision
        # as they were read before this save (a review may have committed in between).
        # A refusal undoes the save and shows the form again (ServiceBackedAdmin).
        changed = {name: getattr(obj, name) for name in form.changed_data}
        services.correct_application(obj, **changed)

    def _create(self, request, obj, form):
        """An organizer's application on an exhibitor's behalf: made by the service, under the
        section's lock, with the applicant's rules (window, area, preferences, one application
        per section, a member as applicant); the organizer is the history's actor. A draft, which
        the applicant submits."""
        fields = {
            name: form.cleaned_data[name]
            for name in services.APPLICATION_FIELDS
            if name in form.cleaned_data
        }
        created = services.create_application(
            obj.organization, obj.section, by=request.user, applicant=obj.applicant, **fields
        )
        self.adopt(obj, created)

    def has_delete_permission(self, request, obj=None):
        # A submitted application is a record of its review (history, mails, floor area, the
        # directory): it is rejected or withdrawn, which moves the waitlist up and tells the
        # applicant, never deleted. Asked for every row of "Delete selected" too.
        if obj is not None and obj.status != Application.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        buttons = []
        booths = None
        if application is not None and self.has_change_permission(request, application):
            buttons = [
                (action, label)
                for action, label, to in self.REVIEW_BUTTONS
                if services.can_transition(application.status, to, services.ORGANIZER)
            ]
            if application.status == Application.Status.APPROVED:
                booths = self._booth_panel(application)
        company = None
        if application is not None:
            section = application.section
            company = {
                "organization": application.organization,
                "section": section,
                "section_left": services.m2(section.capacity_m2 - services.approved_area(section)),
            }
        extra_context = {
            **(extra_context or {}),
            "review_actions": buttons,
            "booths": booths,
            "company": company,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _booth_panel(self, application) -> dict:
        """What the team needs to place the application: its booths, its preferences, the free
        booths of its section (those that fit the approved area first) and what is left."""
        held = list(application.booths.select_related("hall").order_by("code"))
        free = (
            Booth.objects.filter(section_id=application.section_id, status=Booth.Status.AVAILABLE)
            .select_related("hall")
            .order_by("area_m2", "hall__position", "code")
        )
        left = application.area_m2 - services.assigned_area(application)
        section = application.section
        return {
            "held": held,
            "fitting": [b for b in free if b.area_m2 <= left],
            "larger": [b for b in free if b.area_m2 > left],
            "left": services.m2(left),
            "assigned": services.m2(application.area_m2 - left),
            "preferences": application.preferences,
            "section": section,
            "section_left": services.m2(section.capacity_m2 - services.approved_area(section)),
            "section_booths": services.m2(services.booth_area(section)),
            "history": application.booth_assignments.select_related(
                "booth__hall", "moved_from", "assigned_by", "ended_by"
            ),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/assign-booth/",
                view(self.assign_booth_view),
                name="exhibitors_application_assign_booth",
            ),
            path(
                "<int:pk>/vacate-booth/",
                view(self.vacate_booth_view),
                name="exhibitors_application_vacate_booth",
            ),
            *super().get_urls(),
        ]

    def _posted(self, request, pk):
        if request.method != "POST":
            raise Http404
        application = self.get_object(request, str(pk))
        if application is None or not self.has_change_permission(request, application):
            raise Http404
        booth_id = request.POST.get("booth", "")
        booth = None
        # Only digits, and of a sane length (a 40-digit id overflows SQLite: TRAPS.md).
        if booth_id.isdigit() and len(booth_id) < 19:
            booth = Booth.objects.filter(pk=int(booth_id)).first()
        return application, booth

    def assign_booth_view(self, request, pk):
        application, booth = self._posted(request, pk)
        back = reverse("admin:exhibitors_application_change", args=[application.pk])
        if booth is None:
            self.message_user(request, gettext("Choose a booth."), messages.ERROR)
            return redirect(back)
        moving = request.POST.get("from_booth", "")
        try:
            if moving.isdigit() and len(moving) < 19:
                old = Booth.objects.filter(pk=int(moving), application=application).first()
                if old is None:
                    raise services.BoothError(gettext("Choose a booth."))
                services.move_booth(
                    application, old, booth, by=request.user, reason=request.POST.get("reason", "")
                )
            else:
                services.assign_booth(
                    application,
                    booth,
                    by=request.user,
                    override_reason=request.POST.get("reason", ""),
                )
        except services.BoothError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "Booth %(booth)s is assigned to %(organization)s; they are mailed hall and stand."
                )
                % {"booth": booth, "organization": application.organization},
                messages.SUCCESS,
            )
        return redirect(back)

    def vacate_booth_view(self, request, pk):
        application, booth = self._posted(request, pk)
        back = reverse("admin:exhibitors_application_change", args=[application.pk])
        if booth is None or booth.application_id != application.pk:
            self.message_user(request, gettext("Choose a booth."), messages.ERROR)
            return redirect(back)
        try:
            services.vacate_booth(booth, by=request.user, reason=request.POST.get("reason", ""))
        except services.BoothError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, gettext("Booth %(booth)s is free again.") % {"booth": booth})
        return redirect(back)

    def _report(self, request, outcomes):
        for outcome in outcomes:
            level = messages.SUCCESS if outcome.ok else messages.WARNING
            self.message_user(request, f"{outcome.application}: {outcome.message}", level)

    def _applicant(self, application) -> str:
        return (
            f"{application.organization} · {application.section} · "
            f"{services.m2(application.area_m2)} m² · {application.get_status_display()}"
        )

    @admin.action(description=_("Approve selected applications"), permissions=["change"])
    def approve_selected(self, request, queryset):
        if not confirmed(request):
            return confirmation_page(
                request,
                self,
                title=_("Approve applications"),
                effects=[
                    _(
                        "Each application is approved while its section has floor area left, "
                        "otherwise it goes on the waiting list."
                    ),
                    _("Each applicant is mailed the decision; a decision is not undone here."),
                ],
                rows=queryset.select_related("organization", "section"),
                describe=self._applicant,
                button=_("Approve"),
            )
        self._report(request, services.review_many(queryset, "approve", by=request.user))

    @admin.action(
        description=_("Put selected applications on the waiting list"), permissions=["change"]
    )
    def waitlist_selected(self, request, queryset):
        self._report(request, services.review_many(queryset, "waitlist", by=request.user))

    @admin.action(description=_("Reopen selected applications"), permissions=["change"])
    def reopen_selected(self, request, queryset):
        self._report(request, services.review_many(queryset, "reopen", by=request.user))

    @admin.action(
        description=_("Withdraw selected applications (at the exhibitor's request)"),
        permissions=["change"],
    )
    def withdraw_selected(self, request, queryset):
        self._report(request, services.review_many(queryset, "withdraw", by=request.user))

    @admin.action(
        description=_("Reject selected applications (with a reason)"), permissions=["change"]
    )
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if confirmed(request) else None)
        if form.is_valid():
            self._report(
                request,
                services.review_many(
                    queryset, "reject", by=request.user, reason=form.cleaned_data["reason"]
                ),
            )
            return None
        return confirmation_page(
            request,
            self,
            title=_("Reject applications"),
            effects=[
                _(
                    "Each application is rejected; an approved one gives up its booths and its "
                    "floor area goes to the waiting list."
                ),
                _("The applicant reads the reason in the mail and on the application page."),
            ],
            rows=queryset.select_related("organization", "section"),
            describe=self._applicant,
            form=form,
            button=_("Reject"),
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at"]
    list_select_related = ["organization"]
    search_fields = ["email", "organization__name_en", "organization__name_zh_hans"]
    raw_id_fields = ["organization", "invited_by"]
    readonly_fields = ["token"]


@admin.register(Hall)
class HallAdmin(TranslationAdmin):
    list_display = ["name", "building", "floor", "width_m", "depth_m", "n_booths", "position"]
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ["name_en", "name_zh_hans", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_booths=Count("booths"))

    @admin.display(description=_("booths"), ordering="_booths")
    def n_booths(self, obj):
        return obj._booths


class BoothAdminForm(forms.ModelForm):
    class Meta:
        model = Booth
        fields = Booth.PLAN_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assigned = self.instance.pk and self.instance.application_id
        if assigned:  # changed through its application: moved or vacated, with history
            for name in ("section", "width_m", "depth_m", "status"):
                self.fields[name].disabled = True
        else:
            self.fields["status"].choices = [
                (value, label)
                for value, label in Booth.Status.choices
                if value != Booth.Status.ASSIGNED
            ]


class BoothAssignmentInline(admin.TabularInline):
    model = BoothAssignment
    fk_name = "booth"
    extra = 0
    can_delete = False
    fields = [
        "application",
        "assigned_at",
        "assigned_by",
        "reason",
        "ended",
        "ended_at",
        "ended_by",
        "end_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booth)
class BoothAdmin(AllOrNothingImportMixin, ServiceBackedAdmin, SimpleHistoryAdmin):
    """The plan's booths. Import from CSV or XLSX: each row checked and shown, nothing saved until
    confirmed; export the plan or the occupancy (who stands where)."""

    form = BoothAdminForm
    list_display = [
        "code",
        "hall",
        "section",
        "booth_type",
        "area",
        "open_sides",
        "status",
        "exhibitor",
    ]
    list_filter = ["hall", "section", "status", "booth_type"]
    # Hall, section and exhibitor names on every row (and in the occupancy export): one query.
    list_select_related = ["hall", "section", "application__organization"]
    search_fields = [
        "code",
        "application__organization__name_en",
        "application__organization__name_zh_hans",
    ]
    readonly_fields = ["application"]
    inlines = [BoothAssignmentInline]
    resource_classes = [BoothResource, OccupancyResource]
    service_errors = (services.ExhibitorError,)
    ordering = ["hall__position", "hall", "code"]

    def get_import_resource_classes(self, request):
        return [BoothResource]

    @admin.display(description=_("area (m²)"), ordering="area_m2")
    def area(self, obj):
        return services.m2(obj.area_m2)

    @admin.display(description=_("exhibitor"))
    def exhibitor(self, obj):
        return obj.application.organization if obj.application_id else ""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.application_id:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.save_booth(obj)
        section = obj.section
        covered = services.booth_area(section)
        self.message_user(
            request,
            gettext("The booths of %(section)s cover %(covered)s of its %(capacity)s m².")
            % {
                "section": section,
                "covered": services.m2(covered),
                "capacity": section.capacity_m2,
            },
            messages.WARNING if covered > section.capacity_m2 * 0.95 else messages.INFO,
        )


# The admin index's work queues (core.registries.work_queues).
work_queues.register(
    WorkQueue(
        "exhibitors-submitted",
        _("Applications submitted"),
        "exhibitors.Application",
        {"status__exact": Application.Status.SUBMITTED},
        order=20,
    )
)
work_queues.register(
    WorkQueue(
        "exhibitors-waitlisted",
        _("Applications on the waiting list"),
        "exhibitors.Application",
        {"status__exact": Application.Status.WAITLISTED},
        order=21,
    )
)

from . import admin_portal  # noqa: E402, F401  (the portal's models)
