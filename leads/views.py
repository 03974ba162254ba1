"""The Leads tab of the exhibitor portal, the delegate's withdrawal, the organizers' counts."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from delegates import services as delegate_services
from delegates.models import Registration
from exhibitors.models import Organization

from . import selectors, services
from .exports import leads_export
from .forms import LeadForm, ScanForm


class _StaffMixin(LoginRequiredMixin):
    """The organization named in the URL, for its members only (everyone else: 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organization = get_object_or_404(Organization, code=kwargs["code"])
        if not request.user.has_perm("leads.capture", self.organization):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class LeadsView(_StaffMixin, View):
    template_name = "leads/leads.html"

    def render_page(self, request, form, status=200):
        can_capture = selectors.can_capture(self.organization)
        return render(
            request,
            self.template_name,
            {
                "organization": self.organization,
                "can_capture": can_capture,
                "form": form,
                "rows": selectors.lead_rows(self.organization) if can_capture else [],
                "typed_code_rule": delegate_services.typed_code_rule(),
            },
            status=status,
        )

    def get(self, request, code):
        return self.render_page(request, ScanForm())

    def post(self, request, code):
        form = ScanForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        try:
            lead, created = services.capture_lead(
                self.organization, form.cleaned_data["token"], by=request.user
            )
        except services.LeadError as exc:
            form.add_error("token", str(exc))
            return self.render_page(request, form)
        if created:
            messages.success(request, _("New lead captured."))
        else:
            messages.info(request, _("Already captured: here is the lead."))
        return redirect("leads:lead", code=code, pk=lead.pk)


class LeadView(_StaffMixin, View):
    template_name = "leads/lead.html"

    def get_row(self, pk):
        row = selectors.lead_row(self.organization, pk)
        if row is None:
            raise Http404
        return row

    def render_page(self, request, row, form):
        return render(
            request,
            self.template_name,
            {"organization": self.organization, "row": row, "lead": row.lead, "form": form},
        )

    def get(self, request, code, pk):
        row = self.get_row(pk)
        lead = row.lead
        form = LeadForm(initial={"rating": lead.rating, "notes": lead.notes, "tags": lead.tags})
        return self.render_page(request, row, form)

    def post(self, request, code, pk):
        row = self.get_row(pk)
        form = LeadForm(request.POST)
        if form.is_valid():
            try:
                services.update_lead(row.lead, by=request.user, **form.cleaned_data)
            except services.LeadError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The lead is saved."))
                return redirect("leads:scan", code=code)
        return self.render_page(request, row, form)


class ExportView(_StaffMixin, View):
    def get(self, request, code, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        data, content_type = leads_export(self.organization, fmt)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="leads-{self.organization.slug}.{fmt}"'
        )
        return response


class WithdrawView(LoginRequiredMixin, View):
    """A delegate takes their contact back from one exhibitor, or from all."""

    def post(self, request):
        registration = Registration.objects.filter(
            user=request.user, anonymised_at__isnull=True
        ).first()
        if registration is None:
            raise Http404
        organization = None
        if (value := request.POST.get("organization", "all")) != "all":
            if not value.isdigit() or len(value) > 18:
                raise Http404
            organization = get_object_or_404(Organization, pk=int(value))
        try:
            count = services.withdraw_consent(registration, organization=organization)
        except services.LeadError as exc:
            messages.error(request, str(exc))
        else:
            if organization is not None:
                messages.success(
                    request,
                    _("%(name)s no longer receives your contact.") % {"name": organization.name},
                )
            else:
                messages.success(
                    request,
                    _(
                        "No exhibitor receives your contact any more (%(count)s withdrawn); "
                        "future scans will not share it either."
                    )
                    % {"count": count},
                )
        return redirect("delegates:mine")


class StatisticsView(LoginRequiredMixin, View):
    """Counts for the organizers (anonymous visitors are sent to log in, others refused)."""

    def get(self, request):
        if not request.user.has_perm("leads.view_lead_statistics"):
            raise PermissionDenied
        return render(request, "leads/statistics.html", {"statistics": selectors.lead_statistics()})
