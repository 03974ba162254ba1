"""The visa desk reviews requests here. Passport data shows only to the visa desk group, and
each view of it writes an access row; anyone else allowed in (superusers) sees it redacted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from core.registries import WorkQueue, work_queues

from . import services
from .forms import ReviewForm
from .models import LetterRequest, PassportAccess
from .rules import is_visa_desk

REDACTED = "•••"

# Shown to the visa desk only; everyone else sees the request without them.
PASSPORT_FIELDS = [
    "passport_name",
    "passport_number_shown",
    "date_of_birth_shown",
    "passport_expires_on",
    "consular_post",
    "letter_link",
]
OTHER_FIELDS = [
    "reference",
    "registration",
    "status",
    "initials",
    "nationality",
    "entry_on",
    "exit_on",
    "consent_at",
    "desk_message",
    "reviewed_by",
    "reviewed_at",
    "issued_on",
    "revoked_at",
    "data_purged_at",
    "created_at",
]


@admin.register(LetterRequest)
class LetterRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "name_shown",
        "nationality",
        "status",
        "entry_on",
        "exit_on",
        "created_at",
    ]
    list_filter = ["status", "nationality"]
    search_fields = ["reference"]
    list_select_related = ["registration"]
    change_form_template = "admin/visa/letterrequest/change_form.html"
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the review form (services)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if is_visa_desk(request.user):
            return OTHER_FIELDS[:3] + PASSPORT_FIELDS + OTHER_FIELDS[3:]
        return OTHER_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("name as in the passport"))
    def name_shown(self, obj):
        # The list is no view of passport data: initials for everyone, the desk included.
        return obj.initials or REDACTED

    @admin.display(description=_("passport number"))
    @method_decorator(sensitive_variables())
    def passport_number_shown(self, obj):
        return obj.passport_number or _("deleted")

    @admin.display(description=_("date of birth"))
    def date_of_birth_shown(self, obj):
        return obj.date_of_birth or _("deleted")

    @admin.display(description=_("letter"))
    def letter_link(self, obj):
        if not obj.can_download:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("visa:letter", args=[obj.reference]), _("Download (PDF)")
        )

    @method_decorator(sensitive_variables())
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        desk = is_visa_desk(request.user)
        if obj is not None and desk and not obj.is_purged:
            services.record_access(obj, request.user, PassportAccess.Kind.ADMIN)
        extra_context["review_form"] = ReviewForm() if desk and obj is not None else None
        extra_context["redacted"] = not desk
        if obj is not None and desk:
            extra_context["review_url"] = reverse("admin:visa_letterrequest_review", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="visa_letterrequest_review",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def review_view(self, request, pk):
        if not (is_visa_desk(request.user) and request.user.has_perm("visa.review_request")):
            raise PermissionDenied
        letter_request = get_object_or_404(LetterRequest, pk=pk)
        back = reverse("admin:visa_letterrequest_change", args=[pk])
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision."))
            return redirect(back)
        decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
        try:
            if decision == "approve":
                services.approve_request(letter_request, by=request.user)
                messages.success(request, _("The letter is issued and the delegate told."))
            elif decision == "changes":
                services.ask_for_changes(letter_request, by=request.user, message=message)
                messages.success(request, _("The delegate is asked for changes."))
            elif decision == "reject":
                services.reject_request(letter_request, by=request.user, reason=message)
                messages.success(request, _("The request is rejected and the delegate told."))
            else:
                services.revoke_letter(letter_request, by=request.user, reason=message)
                messages.success(request, _("The letter is revoked."))
        except services.VisaError as exc:
            messages.error(request, str(exc))
        return redirect(back)


@admin.register(PassportAccess)
class PassportAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "request", "kind"]
    list_filter = ["kind"]
    list_select_related = ["user", "request"]
    search_fields = ["request__reference"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The admin index's work queues (core.registries.work_queues): letter requests the desk decides.
work_queues.register(
    WorkQueue(
        "visa-submitted",
        _("Visa letter requests to review"),
        "visa.LetterRequest",
        {"status__exact": LetterRequest.Status.SUBMITTED},
        permission="visa.review_request",
        order=50,
    )
)
