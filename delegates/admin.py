from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ServiceBackedAdmin, confirmation_page, confirmed
from core.imports import AllOrNothingImportMixin, SpreadsheetExportMixin
from core.registries import WorkQueue, work_queues
from core.storage import private_file_response
from events import services as events_services

from . import selectors, services
from .badges import badge_pdf
from .forms import RejectForm
from .models import (
    RSVP,
    Badge,
    BadgePrintJob,
    Category,
    CheckIn,
    Delegation,
    DelegationMember,
    Invitation,
    Registration,
    Scan,
    SessionSeats,
    WrongCode,
)
from .resources import InvitationResource, RegistrationResource


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "slug", "colour", "access", "needs_approval", "position"]
    list_editable = ["position"]
    list_filter = ["access", "needs_approval"]
    search_fields = ["name_en", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["events"]


@admin.register(Registration)
class RegistrationAdmin(SpreadsheetExportMixin, ServiceBackedAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "name_zh",
        "category",
        "country",
        "organization",
        "status",
        "deletion_requested_at",
        "created_at",
    ]
    list_filter = [
        "status",
        "category",
        "country",
        ("deletion_requested_at", admin.EmptyFieldListFilter),
    ]
    # The user row is shown as the account column; category is in every row.
    list_select_related = ["category", "user"]
    search_fields = ["name", "name_zh", "organization", "user__email"]
    readonly_fields = [
        "user",
        "status",
        "invitation",
        "rejection_reason",
        "reviewed_by",
        "reviewed_at",
        "terms_accepted_at",
        "sensitive_consent_at",
        "sensitive_purged_at",
        "deletion_requested_at",
        "anonymised_at",
        "created_at",
    ]
    fields = [
        "user",
        "category",
        "status",
        "invitation",
        "name",
        "name_zh",
        "organization",
        "title",
        "country",
        "photo_link",
        "dietary_needs",
        "accessibility_needs",
        "rejection_reason",
        "reviewed_by",
        "reviewed_at",
        "terms_accepted_at",
        "sensitive_consent_at",
        "sensitive_purged_at",
        "deletion_requested_at",
        "anonymised_at",
        "created_at",
    ]
    actions = [
        "approve_selected",
        "reject_selected",
        "confirm_deletion_selected",
        "print_badges_selected",
    ]
    change_form_template = "admin/delegates/registration/change_form.html"
    service_errors = (services.RegistrationError,)
    resource_classes = [RegistrationResource]  # export only: a registration is the person's act

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        # The photo is private (no URL of its own): link to the view that checks permissions.
        if not obj.photo:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("delegates:photo", args=[obj.pk]), _("View the photo")
        )

    def has_add_permission(self, request):
        return False  # people register themselves; invitations pre-approve them

    def has_delete_permission(self, request, obj=None):
        return False  # deletion requests anonymise, so the counts stay right

    def has_review_permission(self, request):
        return request.user.has_perm("delegates.review_registration")

    def has_print_badges_permission(self, request):
        return request.user.has_perm("delegates.add_badgeprintjob")

    @admin.action(
        description=_("Print badges of the selected registrations (one PDF)"),
        permissions=["print_badges"],
    )
    def print_badges_selected(self, request, queryset):
        try:
            job = services.request_badge_print(
                queryset.values_list("pk", flat=True), by=request.user
            )
        except services.BadgeError as exc:
            self.message_user(request, str(exc), messages.WARNING)
            return None
        self.message_user(
            request,
            _("%(n)d badges are being printed; the PDF is ready to download here when done.")
            % {"n": job.total},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:delegates_badgeprintjob_change", args=[job.pk]))

    def has_confirm_deletion_permission(self, request):
        return request.user.has_perm("delegates.confirm_deletion")

    def get_readonly_fields(self, request, obj=None):
        # The desk corrects what update_registration changes: the person's public details.
        # Sensitive data is the person's to change (with consent); status moves by review, and an
        # anonymised registration is kept for the counts only: nothing of it is editable.
        if obj is not None and obj.is_anonymised:
            return self.fields
        return [name for name in self.fields if name not in services.EDITABLE_FIELDS]

    def save_model(self, request, obj, form, change):
        # The service locks the row and refuses an anonymised registration (anonymised since
        # the page was opened, or a POST made without the page); the form shows why.
        services.update_registration(
            obj, **{name: form.cleaned_data[name] for name in form.changed_data}
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="delegates_registration_approve",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="delegates_registration_reject",
            ),
            *super().get_urls(),
        ]

    def _changelist(self):
        return reverse("admin:delegates_registration_changelist")

    @staticmethod
    def _delegate(registration) -> str:
        email = registration.user.email if registration.user_id else "—"
        return (
            f"{registration} · {email} · {registration.category} · "
            f"{registration.get_status_display()}"
        )

    def _confirm_approval(self, request, queryset):
        return confirmation_page(
            request,
            self,
            title=_("Approve registrations"),
            effects=[
                _(
                    "Each registration is approved: the delegate may collect a badge and book seats."
                ),
                _("Each delegate is mailed the approval in their language."),
            ],
            rows=queryset.select_related("category", "user"),
            describe=self._delegate,
            button=_("Approve"),
        )

    @admin.action(description=_("Approve selected registrations"), permissions=["review"])
    def approve_selected(self, request, queryset):
        if not confirmed(request):
            return self._confirm_approval(request, queryset)
        done = 0
        for registration in queryset:
            try:
                services.approve_registration(registration, by=request.user)
                done += 1
            except services.RegistrationError as exc:
                self.message_user(request, f"{registration}: {exc}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(n)d registrations approved.") % {"n": done}, messages.SUCCESS
            )
        return None

    @admin.action(description=_("Reject selected registrations…"), permissions=["review"])
    def reject_selected(self, request, queryset):
        return self._reject(request, queryset, action=True)

    def _reject(self, request, queryset, *, action):
        form = RejectForm(request.POST if confirmed(request) else None)
        if form.is_valid():
            done = 0
            for registration in queryset:
                try:
                    services.reject_registration(
                        registration, by=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except services.RegistrationError as exc:
                    self.message_user(request, f"{registration}: {exc}", messages.WARNING)
            if done:
                self.message_user(
                    request, _("%(n)d registrations rejected.") % {"n": done}, messages.SUCCESS
                )
            return None if action else redirect(self._changelist())
        return confirmation_page(
            request,
            self,
            title=_("Reject registrations"),
            effects=[
                _(
                    "Each registration is rejected and its delegate mailed the reason in their language."
                ),
            ],
            rows=queryset.select_related("category", "user"),
            describe=self._delegate,
            form=form,
            button=_("Reject"),
        )

    @admin.action(
        description=_("Confirm deletion requests (anonymise)"), permissions=["confirm_deletion"]
    )
    def confirm_deletion_selected(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                services.confirm_deletion(registration, by=request.user)
                done += 1
            except services.RegistrationError as exc:
                self.message_user(request, f"{registration}: {exc}", messages.WARNING)
        if done:
            self.message_user(
                request, _("%(n)d registrations anonymised.") % {"n": done}, messages.SUCCESS
            )

    def approve_view(self, request, pk):
        if request.method != "POST" or not self.has_review_permission(request):
            raise PermissionDenied
        registration = get_object_or_404(Registration, pk=pk)
        if not confirmed(request):
            return self._confirm_approval(request, Registration.objects.filter(pk=registration.pk))
        try:
            services.approve_registration(registration, by=request.user)
            self.message_user(request, _("Registration approved."), messages.SUCCESS)
        except services.RegistrationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return redirect(self._changelist())

    def reject_view(self, request, pk):
        if not self.has_review_permission(request):
            raise PermissionDenied
        queryset = Registration.objects.filter(pk=pk)
        if not queryset.exists():
            raise Http404
        return self._reject(request, queryset, action=False)


@admin.register(Invitation)
class InvitationAdmin(AllOrNothingImportMixin, ServiceBackedAdmin, admin.ModelAdmin):
    list_display = ["code", "category", "email", "name", "uses", "max_uses", "expires_at"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["code", "email", "name"]
    readonly_fields = ["uses", "created_at"]
    resource_classes = [InvitationResource]
    service_errors = (services.InvitationError,)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # New invitations go through the service, which mails a personal code to its holder.
        created = services.create_invitation(
            obj.category,
            code=obj.code,
            email=obj.email,
            name=obj.name,
            max_uses=obj.max_uses,
            expires_at=obj.expires_at,
            note=obj.note,
        )
        self.adopt(obj, created)


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    fields = ["email", "name", "user", "invited_at", "accepted_at"]
    readonly_fields = ["user", "invited_at", "accepted_at"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")  # a column of every row


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "coordinator", "edits_close_at"]
    list_filter = ["kind"]
    list_select_related = ["coordinator"]
    search_fields = ["name", "coordinator__email"]
    raw_id_fields = ["coordinator"]
    inlines = [DelegationMemberInline]


# --- Badges and check-in ----------------------------------------------------------------------


@admin.register(Badge)
class BadgeAdmin(SimpleHistoryAdmin):
    list_display = ["registration", "issued_at", "revoked_at", "revoke_reason"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "revoke_reason"]
    list_select_related = ["registration"]  # each row names its person
    search_fields = ["registration__name", "registration__name_zh", "code", "short_code"]
    readonly_fields = [
        "registration",
        "code",
        "short_code",
        "issued_at",
        "revoked_at",
        "revoke_reason",
    ]
    actions = ["revoke_lost", "reissue_selected"]
    change_form_template = "admin/delegates/badge/change_form.html"

    def has_add_permission(self, request):
        return False  # badges are issued on first download or print

    def has_delete_permission(self, request, obj=None):
        return False  # a revoked badge stays: its scans point at it

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="delegates_badge_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        badge = get_object_or_404(
            Badge.objects.select_related("registration__category"), pk=pk, revoked_at__isnull=True
        )
        response = HttpResponse(badge_pdf([badge]), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="badge-{badge.pk}.pdf"'
        return response

    @admin.action(description=_("Revoke selected badges (lost)"), permissions=["change"])
    def revoke_lost(self, request, queryset):
        for badge in queryset:
            services.revoke_badge(badge, reason=Badge.RevokeReason.LOST)
        self.message_user(request, _("Badges revoked."), messages.SUCCESS)

    @admin.action(
        description=_("Replace selected badges (revoke and issue a new code)"),
        permissions=["change"],
    )
    def reissue_selected(self, request, queryset):
        # One new badge per person, and only in place of a badge still valid.
        valid = queryset.filter(revoked_at__isnull=True).select_related("registration")
        issued = 0
        for badge in {b.registration_id: b for b in valid}.values():
            try:
                services.reissue_badge(badge.registration)
                issued += 1
            except services.BadgeError as exc:
                self.message_user(request, f"{badge.registration}: {exc}", messages.WARNING)
        self.message_user(request, _("%(n)d new badges issued.") % {"n": issued}, messages.SUCCESS)


@admin.register(BadgePrintJob)
class BadgePrintJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "status", "done", "total", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "status",
        "done",
        "total",
        "attempts",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    fields = readonly_fields + ["error"]
    change_form_template = "admin/delegates/badgeprintjob/change_form.html"

    def has_add_permission(self, request):
        return False  # a job starts from the registrations list (action "print badges")

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="delegates_badgeprintjob_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(BadgePrintJob, pk=pk, status=BadgePrintJob.Status.DONE)
        if not job.file:
            raise Http404
        return private_file_response(
            job.file,
            as_attachment=True,
            filename=f"zgc-forum-badges-{job.pk}.pdf",
            content_type="application/pdf",
        )


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["registration", "event", "session", "created_at", "checked_in_by"]
    list_filter = ["event", ("session", admin.EmptyFieldListFilter)]
    list_select_related = ["registration", "event", "session", "checked_in_by"]
    date_hierarchy = "created_at"
    search_fields = ["registration__name", "registration__name_zh"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WrongCode)
class WrongCodeAdmin(admin.ModelAdmin):
    """Typed codes that matched no badge: who typed what, where and when (guessing shows here)."""

    list_display = ["typed_at", "text", "place", "scanned_by"]
    list_filter = ["place"]
    list_select_related = ["scanned_by"]
    search_fields = ["text", "scanned_by__email"]
    date_hierarchy = "typed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["scanned_at", "result", "badge", "event", "session", "scanned_by"]
    list_filter = ["result", "event"]
    list_select_related = ["badge__registration", "event", "session", "scanned_by"]
    date_hierarchy = "scanned_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who scanned what stays


class RSVPFormSet(BaseInlineFormSet):
    def get_queryset(self):
        rows = super().get_queryset()
        for rsvp in rows:  # evaluated once: each row's label names the page's session, no query
            rsvp.session = self.instance
        return rows


class RSVPInline(admin.TabularInline):
    """Who holds a seat or waits, in waitlist order; read-only (delegates act on their agenda)."""

    model = RSVP
    formset = RSVPFormSet
    fields = ["user", "email", "status", "position", "created_at", "promoted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["status", "created_at", "pk"]  # "confirmed" < "waitlisted"

    def get_queryset(self, request):
        # Positions as the delegate's agenda shows them, all counted in the rows' one query.
        return selectors.with_waitlist_positions(super().get_queryset(request)).select_related(
            "user"
        )

    @admin.display(description=_("email address"))
    def email(self, rsvp):
        return rsvp.user.email

    @admin.display(description=_("waitlist position"))
    def position(self, rsvp):
        return rsvp.waitlist_position or "—"

    def has_add_permission(self, request, obj=None):
        return False


class SessionSeatsForm(forms.ModelForm):
    class Meta:
        model = SessionSeats
        fields = ["capacity", "rsvp_closes_at"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        try:
            events_services.check_capacity(self.instance, capacity)
        except events_services.ScheduleError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return capacity


@admin.register(SessionSeats)
class SessionSeatsAdmin(admin.ModelAdmin):
    """Seats per session: organizers raise the capacity, which promotes from the waitlist."""

    form = SessionSeatsForm
    list_display = ["title", "event", "starts_at", "room", "capacity", "confirmed", "waitlisted"]
    list_filter = ["rsvp_required", "event__forum"]
    list_select_related = ["event", "room__venue"]  # both are list columns
    search_fields = ["code", "title_en", "title_zh_hans"]
    fields = ["title", "event", "starts_at", "room", "room_seats", "capacity", "rsvp_closes_at"]
    readonly_fields = ["title", "event", "starts_at", "room", "room_seats"]
    inlines = [RSVPInline]

    def get_queryset(self, request):
        # The change form shows the event, the room and its venue too.
        return (
            selectors.seat_counts()
            .filter(rsvp_required=True)
            .select_related("event", "room__venue")
        )

    @admin.display(description=_("confirmed"), ordering="confirmed")
    def confirmed(self, session):
        return session.confirmed

    @admin.display(description=_("waitlisted"), ordering="waitlisted")
    def waitlisted(self, session):
        return session.waitlisted

    @admin.display(description=_("seats in the room"))
    def room_seats(self, session):
        return session.room.capacity

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Seats are part of the released programme: the edit waits for the release, which
        # promotes from the waitlist (each promoted delegate mailed then).
        events_services.stage_session_change(
            obj, by=request.user, capacity=obj.capacity, rsvp_closes_at=obj.rsvp_closes_at
        )
        self.message_user(
            request,
            _(
                "Saved in the working programme: the new seats count once the schedule is "
                "released, and the waitlist moves up then."
            ),
            messages.INFO,
        )


# The admin index's work queues (core.registries.work_queues).
work_queues.register(
    WorkQueue(
        "delegates-pending",
        _("Registrations pending"),
        "delegates.Registration",
        {"status__exact": Registration.Status.PENDING},
        order=10,
    )
)
