import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.page_cache import keep_out, public_page, without
from core.registries import portal_tabs
from core.storage import private_file_response

from . import caching, selectors, services
from .forms import (
    ApplicationForm,
    DirectoryFilterForm,
    DocumentForm,
    ExhibitForm,
    FapiaoForm,
    InvitationForm,
    OrganizationForm,
    StaffInvitationForm,
)
from .models import (
    Application,
    Document,
    Exhibit,
    ExhibitionSection,
    Invitation,
    Membership,
    Organization,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIRECTORY_PARAMS = ("q", "section", "hall", "country", "field", "letter", "page")
PAGE_SIZE = 24


# --- Public directory -----------------------------------------------------------------------


@public_page(params=DIRECTORY_PARAMS)
def directory(request):
    """Kept whole and as a fragment only for values the directory knows, each once, and never for
    a free-text search: the key space is bounded by the sections, countries, fields and pages."""
    number = request.GET.get("page", "1")
    if not (number.isdigit() and 0 < int(number) < 10**6):
        return without(request, "page")
    searching = bool(request.GET.get("q", "").strip())
    cacheable = not searching and all(
        k in DIRECTORY_PARAMS and len(v) == 1 for k, v in request.GET.lists()
    )
    params = sorted(request.GET.items())
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:32]
    key = f"exhibitors:directory:{caching.directory_version()}:{get_language()}:{digest}"
    body = cache.get(key) if cacheable else None
    if body is None:
        context = _directory(request, int(number))
        if context is None:
            return without(request, "page")
        body = render_to_string("exhibitors/includes/_directory_body.html", context)
        cacheable = cacheable and context["known"]
        if cacheable:
            cache.set(key, body, caching.PAGE_SECONDS)
    if not cacheable:
        keep_out(request)
    return render(request, "exhibitors/directory.html", {"body": body})


def _directory(request, number: int = 1) -> dict | None:
    """The directory's context; None for a page beyond the last."""
    sections = selectors.exhibition_sections()
    halls = selectors.halls()
    form = DirectoryFilterForm(
        request.GET or None,
        sections=sections,
        country_codes=selectors.directory_countries(),
        halls=halls,
    )
    filters = {}
    letter = request.GET.get("letter", "").upper()
    known = (not form.is_bound or form.is_valid()) and (not letter or letter in LETTERS)
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "section": data["section"],
            "hall": data["hall"],
            "country": data["country"],
            "field": data["field"],
            "letter": data["letter"].upper() if data["letter"].upper() in LETTERS else "",
        }
    organizations = selectors.public_exhibitors(**filters)
    paginator = Paginator(organizations, PAGE_SIZE)
    if number > paginator.num_pages:
        return None
    page = paginator.page(number)
    page.object_list = selectors.with_sections(page.object_list, sections, halls)
    params = request.GET.copy()
    params.pop("page", None)
    letter_params = params.copy()
    letter_params.pop("letter", None)
    return {
        "form": form,
        "known": known,
        "halls": halls,
        "filter_fields": [form["section"], form["hall"], form["country"], form["field"]]
        if halls
        else [form["section"], form["country"], form["field"]],
        "page": page,
        "letters": LETTERS,
        "current_letter": filters.get("letter", ""),
        "query_string": params.urlencode(),
        "letter_query_string": letter_params.urlencode(),
    }


@public_page()
def organization_page(request, slug):
    organization = selectors.public_exhibitor(slug)
    if organization is None:
        raise Http404
    return render(request, "exhibitors/organization.html", {"organization": organization})


@public_page()
def hall_page(request, slug):
    """A hall's plan, drawn as SVG on the server from its booth rows, with the booths as text."""
    plan = selectors.public_hall(slug)
    if plan is None:
        raise Http404
    return render(request, "exhibitors/hall.html", {"plan": plan, "hall": plan.hall})


# --- Portal ---------------------------------------------------------------------------------


class OrganizationMixin(LoginRequiredMixin):
    """Loads the organization named in the URL; someone without the permission gets a 404."""

    permission = "exhibitors.portal_view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organization = get_object_or_404(Organization, code=kwargs["code"])
        if not request.user.has_perm(self.permission, self.organization):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.organization
        context["is_admin"] = self.request.user.has_perm(
            "exhibitors.portal_edit", self.organization
        )
        return context


class PortalHomeView(LoginRequiredMixin, TemplateView):
    template_name = "exhibitors/portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organizations"] = selectors.portal_home(self.request.user)
        return context


class OrganizationCreateView(LoginRequiredMixin, View):
    template_name = "exhibitors/portal/organization_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": OrganizationForm(), "creating": True})

    def post(self, request):
        form = OrganizationForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            logo = data.pop("logo", None)
            try:
                organization = services.create_organization(by=request.user, logo=logo, **data)
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your organization is registered. Apply for a booth now.")
                )
                return redirect(organization.urls.portal)
        return render(request, self.template_name, {"form": form, "creating": True})


class OrganizationPortalView(OrganizationMixin, TemplateView):
    template_name = "exhibitors/portal/organization.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["applications"] = selectors.portal_applications(self.organization)
        context["checklist"] = (
            selectors.checklist(self.organization)
            if any(a.status == Application.Status.APPROVED for a in context["applications"])
            else []
        )
        context["open_sections"] = selectors.open_sections()
        context["tabs"] = [
            {"label": tab.label, "url": tab.url(self.organization)}
            for tab in portal_tabs.ordered()
            if context["is_admin"] or not tab.admins_only
        ]
        return context


class OrganizationEditView(OrganizationMixin, TemplateView):
    permission = "exhibitors.portal_edit"
    template_name = "exhibitors/portal/organization_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            OrganizationForm(
                organization=self.organization,
                initial=OrganizationForm.initial_for(self.organization),
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = OrganizationForm(request.POST, request.FILES, organization=self.organization)
        if form.is_valid():
            data = dict(form.cleaned_data)
            logo = data.pop("logo", None)
            try:
                services.update_organization(self.organization, by=request.user, logo=logo, **data)
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The organization's profile is saved."))
                return redirect(self.organization.urls.portal)
        return self.render_to_response(self.get_context_data(form=form))


class LogoView(OrganizationMixin, View):
    def get(self, request, *args, **kwargs):
        if not self.organization.logo:
            raise Http404
        return FileResponse(self.organization.logo.open("rb"))


class InvitePostMixin:
    """One invitation posted from a portal page, sent by the page's service."""

    invitation_form = InvitationForm
    invite = staticmethod(services.invite)

    def invited_url(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.invitation_form(request.POST)
        if form.is_valid():
            try:
                self.invite(self.organization, by=request.user, **form.cleaned_data)
            except services.ExhibitorError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(
                    request, _("The invitation is on its way to %(email)s.") % form.cleaned_data
                )
                return redirect(self.invited_url())
        return self.render_to_response(self.get_context_data(form=form))


class MembersView(InvitePostMixin, OrganizationMixin, TemplateView):
    permission = "exhibitors.portal_members"
    template_name = "exhibitors/portal/members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.members_of(self.organization)
        context["invitations"] = self.organization.invitations.filter(accepted_at__isnull=True)
        context.setdefault("form", self.invitation_form())
        return context

    invitation_form = InvitationForm

    def invited_url(self):
        return self.organization.urls.members


class MemberRemoveView(OrganizationMixin, View):
    permission = "exhibitors.portal_members"

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(Membership, pk=kwargs["pk"], organization=self.organization)
        try:
            services.remove_member(membership, by=request.user)
        except services.ExhibitorError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(name)s is no longer a member.") % {"name": membership.user}
            )
        return redirect(self.organization.urls.members)


class InvitationView(LoginRequiredMixin, View):
    def get(self, request, token):
        invitation = get_object_or_404(
            Invitation.objects.select_related("organization"), token=token, accepted_at__isnull=True
        )
        return render(request, "exhibitors/portal/invitation.html", {"invitation": invitation})

    def post(self, request, token):
        try:
            membership = services.accept_invitation(token, user=request.user)
        except services.ExhibitorError as exc:
            messages.error(request, str(exc))
            return redirect("exhibitors:portal")
        messages.success(
            request, _("You now act for %(name)s.") % {"name": membership.organization.name}
        )
        return redirect(membership.organization.urls.portal)


# --- Applications ---------------------------------------------------------------------------


class ApplicationMixin(OrganizationMixin):
    permission = "exhibitors.portal_apply"

    def get_application(self) -> Application:
        application = get_object_or_404(
            Application.objects.select_related("section", "organization"),
            pk=self.kwargs["pk"],
            organization=self.organization,
        )
        return application


class ApplicationCreateView(OrganizationMixin, TemplateView):
    permission = "exhibitors.portal_apply"
    template_name = "exhibitors/portal/application_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = selectors.exhibition_sections()
        open_now = [s for s in sections if s.is_open()]
        context["sections"] = sections
        # No form while no window is open: say which closed and when the next opens.
        if open_now:
            context["form"] = kwargs.get("form") or ApplicationForm(
                initial=self._initial(), sections=open_now
            )
        else:
            context.pop("form", None)
            context["windows"] = selectors.application_windows(sections)
        return context

    def _initial(self):
        slug = self.request.GET.get("section")
        return {"section": slug and ExhibitionSection.objects.filter(slug=slug).first()}

    def post(self, request, *args, **kwargs):
        form = ApplicationForm(request.POST, sections=selectors.open_sections())
        if form.is_valid():
            data = dict(form.cleaned_data)
            section = data.pop("section")
            try:
                application = services.create_application(
                    self.organization, section, by=request.user, **data
                )
            except services.ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your draft is saved. Check it, then submit it for review.")
                )
                return redirect(application.urls.portal)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "exhibitors/portal/application.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.get_application()
        context["application"] = application
        context["history"] = selectors.application_history(application)
        context["can_submit"] = services.can_transition(
            application.status, Application.Status.SUBMITTED, services.APPLICANT
        )
        context["can_withdraw"] = services.can_transition(
            application.status, Application.Status.WITHDRAWN, services.APPLICANT
        )
        context["window"] = services.window_text(application.section)
        return context


class ApplicationEditView(ApplicationMixin, TemplateView):
    template_name = "exhibitors/portal/application_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        context["form"] = kwargs.get("form") or ApplicationForm(
            instance=self.application, editing=True
        )
        return context

    def _draft_or_redirect(self):
        self.application = self.get_application()
        if self.application.status not in services.EDITABLE:
            messages.error(self.request, _("Only a draft can be changed."))
            return redirect(self.application.urls.portal)
        return None

    def get(self, request, *args, **kwargs):
        return self._draft_or_redirect() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if refused := self._draft_or_redirect():
            return refused
        form = ApplicationForm(request.POST, instance=Application(), editing=True)
        if form.is_valid():
            try:
                services.update_application(self.application, by=request.user, **form.cleaned_data)
            except services.ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your draft is saved."))
                return redirect(self.application.urls.portal)
        return self.render_to_response(self.get_context_data(form=form))


class ApplicationSubmitView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application()
        try:
            services.submit_application(application, by=request.user)
        except services.ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your application is submitted. We will mail you the decision.")
            )
        return redirect(application.urls.portal)


class ApplicationWithdrawView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application()
        try:
            services.withdraw_application(application, by=request.user)
        except services.ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect(application.urls.portal)


# --- The exhibitor's portal: exhibits and stand staff ---------------------------------------


class ExhibitsView(OrganizationMixin, TemplateView):
    """The organization's exhibits, and a form to add one (any member)."""

    permission = "exhibitors.portal_apply"
    template_name = "exhibitors/portal/exhibits.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibits"] = selectors.exhibits_of(self.organization)
        context.setdefault("form", ExhibitForm())
        return context

    def post(self, request, *args, **kwargs):
        form = ExhibitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_exhibit(
                    self.organization,
                    by=request.user,
                    image=form.cleaned_data["image"],
                    **form.service_fields(),
                )
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The exhibit is saved."))
                return redirect(self.organization.urls.exhibits)
        return self.render_to_response(self.get_context_data(form=form))


class ExhibitEditView(OrganizationMixin, TemplateView):
    permission = "exhibitors.portal_apply"
    template_name = "exhibitors/portal/exhibit_form.html"

    def get_exhibit(self) -> Exhibit:
        return get_object_or_404(
            Exhibit.objects.select_related("organization"),
            pk=self.kwargs["pk"],
            organization=self.organization,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exhibit"] = kwargs.get("exhibit") or self.get_exhibit()
        context.setdefault("form", ExhibitForm(instance=context["exhibit"]))
        return context

    def post(self, request, *args, **kwargs):
        exhibit = self.get_exhibit()
        form = ExhibitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_exhibit(
                    exhibit,
                    by=request.user,
                    image=form.cleaned_data["image"],
                    **form.service_fields(),
                )
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The exhibit is saved."))
                return redirect(self.organization.urls.exhibits)
        return self.render_to_response(self.get_context_data(form=form, exhibit=exhibit))


class ExhibitDeleteView(OrganizationMixin, View):
    permission = "exhibitors.portal_apply"

    def post(self, request, *args, **kwargs):
        exhibit = get_object_or_404(Exhibit, pk=kwargs["pk"], organization=self.organization)
        services.delete_exhibit(exhibit, by=request.user)
        messages.success(request, _("The exhibit is removed."))
        return redirect(self.organization.urls.exhibits)


class StaffView(InvitePostMixin, OrganizationMixin, TemplateView):
    """Stand staff: who acts for the organization, the allowance, and invitations within it."""

    permission = "exhibitors.portal_members"
    template_name = "exhibitors/portal/staff.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = selectors.staff_of(self.organization)
        context.setdefault("form", self.invitation_form())
        return context

    invitation_form = StaffInvitationForm
    invite = staticmethod(services.invite_staff)  # within the allowance, never before approval

    def invited_url(self):
        return self.organization.urls.staff


# --- The exhibitor's portal: documents, fees and fapiao -------------------------------------


class DocumentsView(OrganizationMixin, TemplateView):
    permission = "exhibitors.portal_apply"
    template_name = "exhibitors/portal/documents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.documents_of(self.organization)
        return context


class DocumentView(OrganizationMixin, TemplateView):
    """One requirement: what it asks, what was handed in, the team's answer, and the form."""

    permission = "exhibitors.portal_apply"
    template_name = "exhibitors/portal/document.html"

    def get_row(self):
        row = selectors.document_for(self.organization, self.kwargs["pk"])
        if row is None:
            raise Http404
        return row

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = kwargs.get("row") or self.get_row()
        context["row"] = row
        if not row.done:
            context.setdefault("form", DocumentForm(requirement=row.requirement))
        return context

    def post(self, request, *args, **kwargs):
        row = self.get_row()
        form = DocumentForm(request.POST, request.FILES, requirement=row.requirement)
        if form.is_valid():
            try:
                services.submit_document(
                    self.organization,
                    row.requirement,
                    by=request.user,
                    text=form.cleaned_data.get("text", ""),
                    upload=form.cleaned_data.get("upload"),
                )
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Handed in: the exhibition team will review it."))
                return redirect(self.organization.urls.documents)
        return self.render_to_response(self.get_context_data(form=form, row=row))


class DocumentFileView(LoginRequiredMixin, View):
    """A handed-in file, to the organization's members and the exhibition team only."""

    def get(self, request, code, pk):
        document = get_object_or_404(
            Document.objects.select_related("organization"),
            organization__code=code,
            requirement_id=pk,
        )
        team = request.user.has_perm("exhibitors.view_document")
        if not (team or request.user.has_perm("exhibitors.portal_view", document.organization)):
            raise Http404
        if not document.file:
            raise Http404
        return private_file_response(
            document.file,
            filename=document.filename or None,
            content_type=document.content_type or None,
            as_attachment=True,
        )


class FeesView(OrganizationMixin, TemplateView):
    """Fee lines with their payment status (set by the team) and the fapiao details."""

    template_name = "exhibitors/portal/fees.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fees"] = fees = selectors.fees_of(self.organization)
        context["total"] = sum((f.amount for f in fees), 0)
        context["fapiao"] = fapiao = selectors.fapiao_of(self.organization)
        if context["is_admin"]:
            initial = (
                {name: getattr(fapiao, name) for name in services.FAPIAO_FIELDS}
                if fapiao
                else {
                    "kind": "general",
                    "company_name": self.organization.name_zh_hans or self.organization.name_en,
                    "taxpayer_id": self.organization.credit_code,
                }
            )
            context.setdefault("form", FapiaoForm(initial=initial))
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("exhibitors.portal_edit", self.organization):
            raise Http404
        form = FapiaoForm(request.POST)
        if form.is_valid():
            try:
                services.save_fapiao(self.organization, by=request.user, **form.cleaned_data)
            except services.ExhibitorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The fapiao details are saved."))
                return redirect(self.organization.urls.fees)
        return self.render_to_response(self.get_context_data(form=form))


class TeamExportView(LoginRequiredMixin, View):
    """For the exhibition team: exhibitors with booth, staff, documents and payment, as CSV or
    XLSX (django-import-export)."""

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx") or not request.user.has_perm("exhibitors.view_organization"):
            raise Http404
        from .resources import exhibitor_status_export

        content, content_type = exhibitor_status_export(fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="exhibitors.{fmt}"'
        return response
