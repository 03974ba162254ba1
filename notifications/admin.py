from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin import SearchableSelect, confirmation_page, confirmed
from core.registries import WorkQueue, work_queues

from . import selectors, services
from .models import Announcement, OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "to_email",
        "subject",
        "template_key",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "template_key", "created_at", "language"]
    search_fields = ["to_email"]
    # Constant queries per page: no relations shown, no second COUNT(*) of the whole table.
    show_full_result_count = False
    list_per_page = 100
    actions = ["resend_selected", "cancel_selected"]

    class Media:
        css = {"all": ["notifications/admin.css"]}

    fieldsets = (
        (None, {"fields": ("to_email", "user", "language", "status", "last_error")}),
        (_("Message"), {"fields": ("rendered",)}),
        (
            _("Delivery"),
            {
                "fields": (
                    "template_key",
                    "related_object",
                    "idempotency_key",
                    "attempts",
                    "created_at",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                )
            },
        ),
    )
    readonly_fields = [
        "to_email",
        "user",
        "language",
        "status",
        "last_error",
        "rendered",
        "template_key",
        "related_object",
        "idempotency_key",
        "attempts",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The list never shows the bodies: do not read them for 100 rows a page.
        return super().get_queryset(request).defer("body_text", "body_html", "headers")

    @admin.display(description=_("rendered mail"))
    def rendered(self, obj):
        html = ""
        if obj.body_html:
            # sandbox="": the mail's HTML runs no script and cannot reach this page.
            html = format_html(
                '<iframe class="notifications-html" sandbox="" title="{}" srcdoc="{}"></iframe>',
                _("HTML part"),
                obj.body_html,
            )
        return format_html(
            '<div class="notifications-rendered"><p><strong>{}</strong></p><pre>{}</pre>{}</div>',
            obj.subject,
            obj.body_text,
            html,
        )

    @admin.display(description=_("caused by"))
    def related_object(self, obj):
        return obj.related if obj.content_type_id else "—"

    @admin.action(description=_("Send selected messages again"), permissions=["change"])
    def resend_selected(self, request, queryset):
        n = services.resend_messages(queryset)
        self.message_user(request, _("%(n)d messages queued again.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Cancel selected queued messages"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        n = services.cancel_messages(queryset)
        self.message_user(request, _("%(n)d messages cancelled.") % {"n": n}, messages.SUCCESS)


def grouped(options):
    """Segment options grouped (one group per segment with parameters, a session segment's by
    event), groups in order of their first option."""
    groups: dict[str, list] = {}
    for value, label, group in options:
        groups.setdefault(group, []).append((value, label))
    return [
        options[0] if len(options) == 1 and "?" not in options[0][0] else (group, options)
        for group, options in groups.items()
    ]


class AnnouncementForm(forms.ModelForm):
    segment = forms.ChoiceField(label=_("recipients"), widget=SearchableSelect)
    segment_params = forms.CharField(
        label=_("recipient parameters"),
        required=False,
        help_text=_(
            "Only for recipient groups that ask for a value (shown in brackets): "
            "name=value, several joined by &."
        ),
    )

    class Meta:
        model = Announcement
        fields = ["segment", "subject_en", "body_en", "subject_zh_hans", "body_zh_hans"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "segment" not in self.fields:  # read-only once sent
            return
        options = services.segment_options()
        choices = [(value, label) for value, label, _group in options]
        self.fields["segment"].choices = grouped(options)
        stored = self.instance.segment if self.instance.pk else ""
        if stored and stored not in dict(choices):
            key, _sep, query = stored.partition("?")
            self.initial["segment"], self.initial["segment_params"] = key, query

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("segment")
        if not key:
            return cleaned
        typed = services.free_text_params(key.partition("?")[0])
        given = dict(parse_qsl(cleaned.get("segment_params", "").strip()))
        if typed:
            missing = [name for name in typed if not given.get(name)]
            if missing:
                self.add_error(
                    "segment_params",
                    _("Give %(names)s, e.g. %(example)s.")
                    % {
                        "names": ", ".join(missing),
                        "example": "&".join(f"{name}=…" for name in typed),
                    },
                )
                return cleaned
            extra = {name: given[name] for name in typed}
            joiner = "&" if "?" in key else "?"
            key = f"{key}{joiner}{urlencode(extra)}"
        try:
            # A savepoint: a database error here must not abort the admin's transaction.
            with transaction.atomic():
                services.segment_users(key).count()
        except Exception as exc:  # noqa: BLE001 - any bad parameter is a form error, not a 500
            self.add_error("segment_params", _("These parameters select no users: %s") % exc)
            return cleaned
        cleaned["segment"] = key
        return cleaned


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    change_form_template = "admin/notifications/announcement/change_form.html"
    list_filter = ["status"]
    search_fields = ["subject_en", "subject_zh_hans"]
    list_select_related = ["created_by"]

    show_full_result_count = False

    def get_list_display(self, request):
        # Segment choices may come from the database (other apps' registries): read them once
        # per request (the changelist asks for list_display more than once).
        if not hasattr(request, "_segment_labels"):
            request._segment_labels = dict(services.segment_choices())
        labels = request._segment_labels

        @admin.display(description=_("recipients"))
        def segment_name(obj):
            return services.segment_label(obj.segment, choices=labels)

        return ["subject_en", segment_name, "status", "recipient_count", "created_by", "created_at"]

    SENT_FIELDS = ["recipients", "subject_en", "body_en", "subject_zh_hans", "body_zh_hans"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Announcement.Status.DRAFT:
            return self.SENT_FIELDS
        return []

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status != Announcement.Status.DRAFT:
            return self.SENT_FIELDS
        return [
            "segment",
            "segment_params",
            "subject_en",
            "body_en",
            "subject_zh_hans",
            "body_zh_hans",
        ]

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return services.segment_label(obj.segment)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(require_POST(self.send_view)),
                name="notifications_announcement_send",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        announcement = self.get_object(request, object_id)
        if announcement is not None:
            extra_context["announcement"] = announcement
            extra_context["segment_label"] = services.segment_label(announcement.segment)
            if announcement.status == Announcement.Status.DRAFT:
                try:
                    extra_context["recipient_count"] = services.announcement_recipients(
                        announcement
                    ).count()
                except services.NotificationError as exc:
                    extra_context["segment_error"] = str(exc)
                extra_context["samples"] = services.sample_messages(announcement)
                extra_context["can_send"] = request.user.has_perm("notifications.send_announcement")
            else:
                extra_context["progress"] = selectors.announcement_progress(announcement)
        return super().change_view(request, object_id, form_url, extra_context)

    def send_view(self, request, pk):
        if not request.user.has_perm("notifications.send_announcement"):
            raise PermissionDenied
        announcement = get_object_or_404(Announcement, pk=pk)
        change = reverse("admin:notifications_announcement_change", args=[pk])
        # A draft is sent after the confirmation; anything else goes to the service, which says why.
        if announcement.status == Announcement.Status.DRAFT and not confirmed(request):
            try:
                recipients = services.announcement_recipients(announcement)
                shown = confirmation_page(
                    request,
                    self,
                    title=_("Send the announcement"),
                    effects=[
                        _("“%(subject)s” is mailed to: %(segment)s.")
                        % {
                            "subject": announcement.subject,
                            "segment": services.segment_label(announcement.segment),
                        },
                        _(
                            "Each recipient gets it in their language; users who opted out of "
                            "announcements are left out."
                        ),
                        _("A sent announcement cannot be recalled."),
                    ],
                    rows=recipients,
                    describe=lambda user: user.email,
                    button=_("Send now"),
                    cancel_url=change,
                )
            except services.NotificationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return redirect(change)
            return shown
        try:
            services.send_announcement(announcement, by=request.user)
        except services.NotificationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, _("The announcement is being sent."), messages.SUCCESS)
        return redirect(change)


# The admin index's work queues (core.registries.work_queues).
work_queues.register(
    WorkQueue(
        "notifications-failed",
        _("Mails that failed"),
        "notifications.OutboundMessage",
        {"status__exact": OutboundMessage.Status.FAILED},
        order=90,
    )
)
