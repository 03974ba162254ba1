import csv
import hashlib
import io
import json
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from core.http import redirect_back
from core.storage import private_file_response
from events.exports import schedule_ical
from events.models import Session

from . import selectors, services
from .badges import badge_pdf, token_for
from .cards import render_states
from .forms import (
    DelegationForm,
    DetailsForm,
    InviteMemberForm,
    LeadConsentForm,
    RegistrationForm,
    ScanForm,
    SensitiveDataForm,
    lead_consent_label,
)
from .models import BadgePrintJob, Delegation, DelegationMember, Registration


def _details(registration) -> dict:
    return {name: getattr(registration, name) for name in services.EDITABLE_FIELDS}


class DelegatesHomeView(View):
    """``/delegates/``: a delegate's own registration, or the way to register for the forum."""

    def get(self, request):
        if request.user.is_authenticated and selectors.registration_of(request.user) is not None:
            return redirect("delegates:mine")
        return redirect("delegates:register")


class RegisterView(LoginRequiredMixin, View):
    template_name = "delegates/register.html"

    def get_form(self, data=None, files=None):
        initial = {"name": self.request.user.name, "name_zh": self.request.user.name_zh}
        if code := self.request.GET.get("code"):
            initial["code"] = code
        return RegistrationForm(
            data, files, initial=initial, categories=selectors.open_categories()
        )

    def get(self, request):
        if selectors.registration_of(request.user) is not None:
            return redirect("delegates:mine")
        return render(request, self.template_name, {"form": self.get_form()})

    def post(self, request):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                registration = services.register(
                    request.user,
                    form.registration_data(),
                    category=form.cleaned_data["category"],
                    code=form.cleaned_data["code"],
                )
            except services.InvitationError as exc:
                form.add_error("code", str(exc))
            except services.RegistrationError as exc:
                form.add_error(None, str(exc))
            else:
                if registration.status == registration.Status.APPROVED:
                    messages.success(request, _("You are registered and approved."))
                else:
                    messages.success(
                        request,
                        _("Thank you. The accreditation desk will review your registration."),
                    )
                return redirect("delegates:mine")
        return render(request, self.template_name, {"form": form}, status=200)


class MyRegistrationView(LoginRequiredMixin, View):
    def get(self, request):
        registration = selectors.registration_of(request.user)
        membership = selectors.membership_of(request.user)
        return render(
            request,
            "delegates/mine.html",
            {
                "registration": registration,
                "membership": membership,
                "open_places": [] if membership else selectors.open_places_for(request.user),
                # The same words and links to the privacy notice and terms as on registration.
                "lead_consent_label": lead_consent_label(),
            },
        )


class _OwnRegistrationMixin(LoginRequiredMixin):
    def get_registration(self):
        registration = selectors.registration_of(self.request.user)
        if registration is None or registration.is_anonymised:
            raise Http404
        return registration


class LeadConsentView(_OwnRegistrationMixin, View):
    """The delegate's choice to share their contact with exhibitors who scan the badge."""

    def post(self, request):
        form = LeadConsentForm(request.POST)
        form.is_valid()  # a lone checkbox: absent means no
        consent = bool(form.cleaned_data.get("consents_to_leads"))
        services.set_lead_consent(self.get_registration(), consent=consent)
        if consent:
            messages.success(request, _("Exhibitors who scan your badge now receive your contact."))
        else:
            messages.success(
                request, _("Exhibitors who scan your badge no longer receive your contact.")
            )
        return redirect("delegates:mine")


class EditRegistrationView(_OwnRegistrationMixin, View):
    template_name = "delegates/edit.html"

    @staticmethod
    def sensitive_initial(registration) -> dict:
        return {
            "dietary_needs": registration.dietary_needs,
            "accessibility_needs": registration.accessibility_needs,
            "consents_to_sensitive_data": registration.sensitive_consent_at is not None,
        }

    def get(self, request):
        registration = self.get_registration()
        return render(
            request,
            self.template_name,
            {
                "registration": registration,
                "form": DetailsForm(initial=_details(registration)),
                "sensitive_form": SensitiveDataForm(initial=self.sensitive_initial(registration)),
            },
        )

    def post(self, request):
        registration = self.get_registration()
        form, sensitive_form = DetailsForm(initial=_details(registration)), None
        if "sensitive" in request.POST:
            sensitive_form = SensitiveDataForm(
                request.POST, request.FILES, initial=self.sensitive_initial(registration)
            )
            if sensitive_form.is_valid():
                c = sensitive_form.cleaned_data
                services.update_sensitive_data(
                    registration,
                    consent=c["consents_to_sensitive_data"],
                    dietary_needs=c["dietary_needs"],
                    accessibility_needs=c["accessibility_needs"],
                    photo=c["photo"] or None,
                    remove_photo=c["remove_photo"],
                )
                messages.success(request, _("Your changes are saved."))
                return redirect("delegates:mine")
        else:
            form = DetailsForm(request.POST)
            if form.is_valid():
                services.update_registration(registration, **form.cleaned_data)
                messages.success(request, _("Your changes are saved."))
                return redirect("delegates:mine")
        return render(
            request,
            self.template_name,
            {
                "registration": registration,
                "form": form,
                "sensitive_form": sensitive_form
                or SensitiveDataForm(initial=self.sensitive_initial(registration)),
            },
        )


class ExportView(LoginRequiredMixin, View):
    """Everything held about the logged-in person, registered or not (PIPL art. 45)."""

    def get(self, request):
        data = selectors.personal_data(request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="zgc-forum-my-data.json"'
        return response


class RequestDeletionView(_OwnRegistrationMixin, View):
    def get(self, request):
        return render(request, "delegates/delete.html", {"registration": self.get_registration()})

    def post(self, request):
        registration = self.get_registration()
        try:
            if "cancel" in request.POST:
                services.cancel_deletion_request(registration)
                messages.info(request, _("Your deletion request is withdrawn."))
            else:
                services.request_deletion(registration)
                messages.info(
                    request,
                    _("Your request is recorded. The accreditation desk will confirm it."),
                )
        except services.RegistrationError as exc:
            messages.error(request, str(exc))
        return redirect("delegates:mine")


# --- Delegations ----------------------------------------------------------------------------


class DelegationCreateView(LoginRequiredMixin, View):
    template_name = "delegates/delegation_form.html"

    def get(self, request):
        existing = Delegation.objects.filter(coordinator=request.user).first()
        if existing is not None:
            return redirect("delegates:delegation", pk=existing.pk)
        return render(request, self.template_name, {"form": DelegationForm()})

    def post(self, request):
        form = DelegationForm(request.POST)
        if form.is_valid():
            try:
                delegation = services.create_delegation(request.user, **form.cleaned_data)
            except services.DelegationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your delegation is registered."))
                return redirect("delegates:delegation", pk=delegation.pk)
        return render(request, self.template_name, {"form": form})


class _DelegationMixin(LoginRequiredMixin):
    def get_delegation(self, pk):
        delegation = get_object_or_404(Delegation.objects.select_related("coordinator"), pk=pk)
        if not self.request.user.has_perm("delegates.manage_delegation", delegation):
            raise Http404  # as for a missing id: ids cannot be enumerated
        return delegation


class DelegationDetailView(_DelegationMixin, View):
    template_name = "delegates/delegation.html"

    def render_page(self, delegation, invite_form):
        return render(
            self.request,
            self.template_name,
            {
                "delegation": delegation,
                "members": selectors.delegation_members(delegation),
                "invite_form": invite_form,
                "edits_open": delegation.edits_open(),
            },
        )

    def get(self, request, pk):
        delegation = self.get_delegation(pk)
        invite_form = InviteMemberForm()
        invite_form.helper.form_action = reverse("delegates:delegation", kwargs={"pk": pk})
        return self.render_page(delegation, invite_form)

    def post(self, request, pk):
        delegation = self.get_delegation(pk)
        form = InviteMemberForm(request.POST)
        if form.is_valid():
            try:
                member = services.invite_member(delegation, **form.cleaned_data)
            except services.DelegationError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": member.email}
                )
                return redirect("delegates:delegation", pk=pk)
        return self.render_page(delegation, form)


class MemberEditView(_DelegationMixin, View):
    template_name = "delegates/member_edit.html"

    def get_member(self, pk, member_pk):
        delegation = self.get_delegation(pk)
        member = get_object_or_404(
            DelegationMember.objects.select_related("user"), delegation=delegation, pk=member_pk
        )
        member.delegation = delegation
        registration = selectors.registration_of(member.user) if member.user_id else None
        if registration is None or registration.is_anonymised:
            raise Http404
        return member, registration

    def get(self, request, pk, member_pk):
        member, registration = self.get_member(pk, member_pk)
        if not request.user.has_perm("delegates.edit_member", member):
            raise PermissionDenied
        form = DetailsForm(initial=_details(registration))
        return render(
            request,
            self.template_name,
            {"member": member, "registration": registration, "form": form},
        )

    def post(self, request, pk, member_pk):
        member, registration = self.get_member(pk, member_pk)
        if not request.user.has_perm("delegates.edit_member", member):
            raise PermissionDenied
        form = DetailsForm(request.POST)
        if form.is_valid():
            try:
                services.edit_member(member, by=request.user, **form.cleaned_data)
            except (services.DelegationError, services.RegistrationError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("delegates:delegation", pk=pk)
        return render(
            request,
            self.template_name,
            {"member": member, "registration": registration, "form": form},
        )


class JoinDelegationView(View):
    """The link in an invitation mail: anyone may read it; joining needs an account."""

    def get(self, request, token):
        member = get_object_or_404(
            DelegationMember.objects.select_related("delegation__coordinator"), token=token
        )
        if member.user_id is not None and member.user_id != request.user.pk:
            raise Http404
        return render(request, "delegates/join.html", {"member": member})

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.accept_membership(token, request.user)
        except services.DelegationError as exc:
            messages.error(request, str(exc))
            return redirect("delegates:mine")
        messages.success(request, _("You have joined the delegation."))
        if selectors.registration_of(request.user) is None:
            return redirect("delegates:register")
        return redirect("delegates:mine")


# --- Badges, check-in desk, statistics --------------------------------------------------------


class MyBadgeView(_OwnRegistrationMixin, View):
    """The logged-in person's own badge as a PDF; only approved registrations have one."""

    def get(self, request):
        registration = self.get_registration()
        try:
            badge = services.badge_for(registration)
        except services.BadgeError as exc:
            messages.error(request, str(exc))
            return redirect("delegates:mine")
        badge.registration = registration
        response = HttpResponse(badge_pdf([badge]), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="zgc-forum-badge.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class _PermissionMixin(LoginRequiredMixin):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


DESK_PHOTO_SALT = "delegates.desk-photo"
DESK_PHOTO_MAX_AGE = 3600


def desk_photo_url(user, registration) -> str:
    """The photo of a person the desk found by name, signed for this desk person."""
    key = signing.TimestampSigner(salt=DESK_PHOTO_SALT).sign(f"{user.pk}:{registration.pk}")
    return f"{reverse('delegates:desk_photo', args=[registration.pk])}?{urlencode({'k': key})}"


def desk_photo_allowed(user, pk: int, key: str) -> bool:
    if not key:
        return False
    try:
        value = signing.TimestampSigner(salt=DESK_PHOTO_SALT).unsign(
            key, max_age=DESK_PHOTO_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == f"{user.pk}:{pk}"


class DeskView(_PermissionMixin, View):
    """The check-in desk: a text field for USB scanners (and the camera), one result at a time."""

    permission = "delegates.scan_badges"
    template_name = "delegates/desk.html"

    def get_scope(self, event_pk=None, code=None):
        from events.models import Event, Session

        if code is not None:
            session = get_object_or_404(Session.objects.select_related("event"), code=code)
            return session.event, session
        if event_pk is not None:
            return get_object_or_404(Event, pk=event_pk), None
        return None, None

    def render_page(self, request, event, session, form, result=None, status=200):
        query = request.GET.get("q", "").strip()[:100] if request.method == "GET" else ""
        scopes = selectors.desk_scopes() if request.method == "GET" else None
        return render(
            request,
            self.template_name,
            {
                "event": event,
                "session": session,
                "form": form,
                "result": result,
                "typed_code_rule": services.typed_code_rule(),
                "query": query,
                "found": (
                    [
                        {
                            "registration": r,
                            "token": token_for(r.valid_badges[0]) if r.valid_badges else "",
                            "photo_url": desk_photo_url(request.user, r) if r.photo else "",
                        }
                        for r in selectors.desk_lookup(query)
                    ]
                    if query
                    else None
                ),
                # The picker lists every session: only on the desk's first page, not per scan.
                "scopes": scopes,
                # The filter's help gives a day and time the picker really holds.
                "scope_example": next(
                    (s.starts_at for e in scopes or () for s in e.sessions.all()), None
                ),
            },
            status=status,
        )

    def get(self, request, event_pk=None, code=None):
        event, session = self.get_scope(event_pk, code)
        return self.render_page(request, event, session, ScanForm())

    def post(self, request, event_pk=None, code=None):
        event, session = self.get_scope(event_pk, code)
        form = ScanForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, event, session, form)
        try:
            result = services.scan_badge(
                form.cleaned_data["token"], by=request.user, event=event, session=session
            )
        except services.CodeThrottled as exc:
            form.add_error("token", str(exc))
            return self.render_page(request, event, session, form, status=429)
        return self.render_page(request, event, session, ScanForm(), result)


class DeskScopeView(_PermissionMixin, View):
    """The desk's scope picker (a GET form) leads to the forum, event or session desk."""

    permission = "delegates.scan_badges"

    def get(self, request):
        scope = request.GET.get("scope", "")
        kind, _sep, value = scope.partition(":")
        if kind == "event" and value.isdigit():
            return redirect("delegates:desk_event", event_pk=int(value))
        if kind == "session" and re.fullmatch(r"[-a-zA-Z0-9_]+", value):
            return redirect("delegates:desk_session", code=value)
        return redirect("delegates:desk")


class DeskPhotoView(_PermissionMixin, View):
    """A delegate's photo for the desk screen; photos are never public."""

    permission = "delegates.scan_badges"

    def get(self, request, pk):
        # Only the people this desk has just scanned or found by name: the role browses no one
        # else's photo (a found person's link is signed for this desk person, for an hour).
        if desk_photo_allowed(request.user, pk, request.GET.get("k", "")):
            rows = Registration.objects.all()
        else:
            rows = selectors.photos_scanned_by(request.user)
        registration = get_object_or_404(rows, pk=pk, anonymised_at__isnull=True)
        if not registration.photo:
            raise Http404
        return private_file_response(registration.photo, content_type="image/jpeg")


class _PrivateFileView(View):
    """A private file for whoever the permission allows; everyone else (anonymous too) gets 404,
    so the address tells nobody whether the file exists."""

    permission = ""

    def get_file(self, obj):
        raise NotImplementedError

    def get_object(self, pk):
        raise NotImplementedError

    def get(self, request, pk):
        if not request.user.is_authenticated:
            raise Http404
        obj = self.get_object(pk)
        fieldfile = self.get_file(obj)
        if not fieldfile or not request.user.has_perm(self.permission, obj):
            raise Http404
        return self.respond(obj, fieldfile)


class PhotoView(_PrivateFileView):
    """A delegate's photo, for the delegate and for staff who may view registrations."""

    permission = "delegates.view_photo"

    def get_object(self, pk):
        return get_object_or_404(
            Registration.objects.only("pk", "user_id", "photo"), pk=pk, anonymised_at__isnull=True
        )

    def get_file(self, registration):
        return registration.photo

    def respond(self, registration, fieldfile):
        return private_file_response(fieldfile, content_type="image/jpeg")


class PrintJobFileView(_PrivateFileView):
    """A badge print job's PDF, for whoever requested it and staff who may view print jobs."""

    permission = "delegates.download_print_job"

    def get_object(self, pk):
        return get_object_or_404(
            BadgePrintJob.objects.only("pk", "requested_by_id", "file"),
            pk=pk,
            status=BadgePrintJob.Status.DONE,
        )

    def get_file(self, job):
        return job.file

    def respond(self, job, fieldfile):
        return private_file_response(
            fieldfile,
            as_attachment=True,
            filename=f"zgc-forum-badges-{job.pk}.pdf",
            content_type="application/pdf",
        )


class StatisticsView(_PermissionMixin, View):
    permission = "delegates.view_statistics"

    def get(self, request):
        return render(
            request,
            "delegates/statistics.html",
            {"figures": selectors.headline_figures(), "tables": selectors.statistics()},
        )


class StatisticsCSVView(_PermissionMixin, View):
    permission = "delegates.view_statistics"

    def get(self, request, table):
        build = selectors.TABLES.get(table)
        if build is None:
            raise Http404
        out = io.StringIO()
        csv.writer(out).writerows(build().csv_rows())
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="zgc-forum-{table}.csv"'
        return response


# --- My agenda and session RSVP -------------------------------------------------------------


def _published_session(code: str) -> Session:
    return get_object_or_404(Session.objects.published().select_related("event"), code=code)


class AgendaView(LoginRequiredMixin, View):
    def get(self, request):
        if not selectors.is_approved_delegate(request.user):
            return render(request, "delegates/agenda.html", {"approved": False})
        feed = selectors.feed_of(request.user)
        feed_url = f"{settings.SITE_URL}{feed.urls.ical}" if feed else ""
        days = selectors.agenda(request.user)
        # Each row's state and forms, as every other card of the session shows them.
        parts = render_states(request, {r.session.code: r.state for d in days for r in d.rows})
        for day in days:
            for row in day.rows:
                row.part = parts.get(row.session.code, "")
        return render(
            request,
            "delegates/agenda.html",
            {
                "approved": True,
                "days": days,
                "feed": feed,
                "feed_url": feed_url,
                "webcal_url": "webcal://" + feed_url.partition("://")[2] if feed else "",
            },
        )


class OneClickView(LoginRequiredMixin, View):
    """A session card's one-click form: POST acts and goes back to the card
    (``next``: the page with ``#session-<code>``); a GET (an old link) goes to the session."""

    def get(self, request, code):
        return redirect(_published_session(code).urls.public)


class StarView(OneClickView):
    def post(self, request, code):
        session = _published_session(code)
        try:
            services.star_session(session, user=request.user)
        except services.AgendaError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("“%(title)s” is on your agenda.") % {"title": session.title}
            )
        return redirect_back(request, reverse("delegates:agenda"))


class UnstarView(OneClickView):
    def post(self, request, code):
        session = _published_session(code)
        services.unstar_session(session, user=request.user)
        messages.success(
            request, _("“%(title)s” is no longer on your agenda.") % {"title": session.title}
        )
        return redirect_back(request, reverse("delegates:agenda"))


class RSVPView(OneClickView):
    def post(self, request, code):
        session = _published_session(code)
        try:
            reservation = services.reserve_seat(session, user=request.user)
        except services.AgendaError as exc:
            messages.error(request, str(exc))
            return redirect_back(request, session.urls.public)
        for clash in reservation.clashes:
            messages.warning(
                request,
                _("Note: you also hold a seat at “%(title)s” at the same time.")
                % {"title": clash.title},
            )
        if reservation.position is None:
            messages.success(
                request, _("Your seat at “%(title)s” is confirmed.") % {"title": session.title}
            )
        else:
            messages.info(
                request,
                _("The session is full: you are number %(position)d on the waitlist.")
                % {"position": reservation.position},
            )
        return redirect_back(request, reverse("delegates:agenda"))


class CancelRSVPView(OneClickView):
    def post(self, request, code):
        session = _published_session(code)
        try:
            services.cancel_rsvp(session, user=request.user)
        except services.AgendaError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Your reservation for “%(title)s” is cancelled.") % {"title": session.title},
            )
        return redirect_back(request, reverse("delegates:agenda"))


class FeedRegenerateView(LoginRequiredMixin, View):
    def post(self, request):
        had_one = selectors.feed_of(request.user) is not None
        try:
            services.regenerate_feed(request.user)
        except services.AgendaError as exc:
            messages.error(request, str(exc))
        else:
            if had_one:
                text = _("Your calendar feed has a new address; the old one no longer works.")
            else:
                text = _("Your calendar feed is ready: subscribe to it in your calendar app.")
            messages.success(request, text)
        return redirect("delegates:agenda")


class FeedRevokeView(LoginRequiredMixin, View):
    def post(self, request):
        services.revoke_feed(request.user)
        messages.success(request, _("Your calendar feed is switched off."))
        return redirect("delegates:agenda")


class FeedView(View):
    """The agenda as iCalendar for calendar apps: the secret token is the only key."""

    def get(self, request, token):
        language = get_language() or settings.LANGUAGE_CODE
        found = selectors.feed_export(token, language)
        if found is None:
            raise Http404
        forum, sessions, people = found
        body = schedule_ical(
            forum, sessions, people, name=_("My ZGC Forum agenda"), language=language
        )
        # No Last-Modified: a given-up seat or star leaves no time behind. The ETag still lets a
        # calendar that polls keep its copy.
        etag = quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest())
        response = get_conditional_response(request, etag=etag) or HttpResponse(
            body, content_type="text/calendar; charset=utf-8"
        )
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
