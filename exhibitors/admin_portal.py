"""The exhibition team's side of the exhibitor's portal: exhibits, required documents and their
review, fees and fapiao details. Imported at the end of admin.py."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.registries import WorkQueue, work_queues

from . import services
from .models import Document, Exhibit, Fapiao, FeeLine, Requirement


@admin.register(Exhibit)
class ExhibitAdmin(TranslationAdmin):
    list_display = ["name", "organization", "field", "maturity", "first_release"]
    list_filter = ["field", "maturity", "first_release"]
    # Both languages explicitly: modeltranslation would search only the admin's language.
    search_fields = [
        "name_en",
        "name_zh_hans",
        "organization__name_en",
        "organization__name_zh_hans",
    ]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]


@admin.register(Requirement)
class RequirementAdmin(TranslationAdmin):
    list_display = ["name", "kind", "section", "booth_type", "due_on"]
    list_filter = ["kind", "section", "booth_type"]
    search_fields = ["name_en", "name_zh_hans"]
    list_select_related = ["section"]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The exhibitor reads this in the mail and in the portal."),
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["requirement", "organization", "status", "submitted_at", "file_link"]
    list_filter = ["status", "requirement"]
    list_select_related = ["requirement", "organization"]
    search_fields = [
        "organization__name_en",
        "organization__name_zh_hans",
        "requirement__name_en",
        "requirement__name_zh_hans",
    ]
    actions = ["accept_selected", "return_selected"]
    readonly_fields = [
        "requirement",
        "organization",
        "status",
        "text",
        "file_link",
        "filename",
        "size",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "comment",
    ]
    exclude = ["file", "content_type"]

    def has_add_permission(self, request):
        return False  # exhibitors hand documents in through the portal

    @admin.display(description=_("file"))
    def file_link(self, obj):
        if not obj.file:
            return "—"
        url = reverse(
            "exhibitors:document_file",
            kwargs={"code": obj.organization.code, "pk": obj.requirement_id},
        )
        return format_html('<a href="{}">{}</a>', url, obj.filename or _("download"))

    def _review(self, request, queryset, *, accept: bool, comment: str = ""):
        done = 0
        for document in queryset:
            try:
                services.review_document(document, accept=accept, by=request.user, comment=comment)
            except services.ExhibitorError as exc:
                self.message_user(request, f"{document}: {exc}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                (_("%(n)s documents accepted.") if accept else _("%(n)s documents returned."))
                % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Accept selected documents"), permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(
        description=_("Return selected documents for changes (with a comment)"),
        permissions=["change"],
    )
    def return_selected(self, request, queryset):
        form = CommentForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._review(request, queryset, accept=False, comment=form.cleaned_data["comment"])
            return None
        return TemplateResponse(
            request,
            "exhibitors/admin/return_documents.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Return documents for changes"),
                "opts": self.model._meta,
                "documents": queryset.select_related("organization", "requirement"),
                "form": form,
                "action": "return_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(FeeLine)
class FeeLineAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "organization",
        "booth",
        "basis",
        "quantity",
        "unit_price",
        "amount",
        "payment",
        "invoice_number",
    ]
    list_editable = ["payment", "invoice_number"]
    list_filter = ["payment", "basis"]
    list_select_related = ["organization", "booth__hall"]
    search_fields = [
        "label",
        "invoice_number",
        "organization__name_en",
        "organization__name_zh_hans",
    ]
    raw_id_fields = ["organization", "booth"]
    readonly_fields = ["amount"]


@admin.register(Fapiao)
class FapiaoAdmin(admin.ModelAdmin):
    list_display = ["company_name", "organization", "kind", "taxpayer_id"]
    list_filter = ["kind"]
    list_select_related = ["organization"]
    search_fields = ["company_name", "taxpayer_id", "organization__name_en"]
    raw_id_fields = ["organization"]


# The admin index's work queues (core.registries.work_queues).
work_queues.register(
    WorkQueue(
        "exhibitors-documents",
        _("Documents to review"),
        "exhibitors.Document",
        {"status__exact": Document.Status.SUBMITTED},
        order=40,
    )
)
