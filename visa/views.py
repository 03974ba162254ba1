from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_safe

from core.storage import private_file_response
from delegates.selectors import registration_of

from . import rules, selectors, services
from .forms import LetterRequestForm
from .models import LetterRequest, PassportAccess

SENSITIVE_FIELDS = ("passport_number", "date_of_birth", "passport_name", "passport_expires_on")


@method_decorator(sensitive_post_parameters(*SENSITIVE_FIELDS), name="dispatch")
class RequestLetterView(LoginRequiredMixin, View):
    """An approved delegate asks for an invitation letter, or corrects one the desk sent back."""

    template_name = "visa/request.html"

    def get_registration(self):
        registration = registration_of(self.request.user)
        if registration is None or registration.is_anonymised:
            raise Http404
        return registration

    def render_page(self, registration, letter_request, form):
        return render(
            self.request,
            self.template_name,
            {"registration": registration, "letter_request": letter_request, "form": form},
        )

    def get(self, request):
        registration = self.get_registration()
        letter_request = selectors.request_of(registration)
        form = None
        if registration.status == registration.Status.APPROVED and (
            letter_request is None
            or letter_request.status == LetterRequest.Status.CHANGES_REQUESTED
        ):
            initial = {"passport_name": registration.name}
            if letter_request is not None:
                # The number and the date of birth are typed again: they never leave the server.
                initial = {
                    "passport_name": letter_request.passport_name,
                    "nationality": letter_request.nationality.code,
                    "passport_expires_on": letter_request.passport_expires_on,
                    "entry_on": letter_request.entry_on,
                    "exit_on": letter_request.exit_on,
                    "consular_post": letter_request.consular_post,
                }
            form = LetterRequestForm(initial=initial, forum=services.current_forum())
        return self.render_page(registration, letter_request, form)

    @method_decorator(sensitive_variables())
    def post(self, request):
        registration = self.get_registration()
        form = LetterRequestForm(request.POST, forum=services.current_forum())
        if form.is_valid():
            try:
                services.submit_request(registration, form.cleaned_data)
            except services.VisaError as exc:
                messages.error(request, str(exc))
                return redirect("visa:request")
            messages.success(
                request,
                _("Thank you. The visa desk will review your request; we will write to you."),
            )
            return redirect("delegates:mine")
        return self.render_page(registration, selectors.request_of(registration), form)


class LetterView(View):
    """The letter PDF from private storage: its delegate and the visa desk; 404 for anyone else."""

    def get(self, request, reference):
        if not request.user.is_authenticated:
            raise Http404
        letter_request = get_object_or_404(
            LetterRequest.objects.select_related("registration"), reference=reference
        )
        # The rule itself, not has_perm(): superusers have every permission, not this one.
        if not letter_request.can_download or not rules.test_rule(
            "visa.download_letter", request.user, letter_request
        ):
            raise Http404
        services.record_access(letter_request, request.user, PassportAccess.Kind.LETTER)
        return private_file_response(
            letter_request.letter,
            as_attachment=True,
            filename=f"zgc-forum-invitation-{letter_request.reference}.pdf",
            content_type="application/pdf",
        )


@require_safe
def verify(request, reference):
    """Public: is this letter genuine? Reference, initials and dates only."""
    return render(
        request,
        "visa/verify.html",
        {"reference": reference[:40], **selectors.verification(reference)},
    )


class StatisticsView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.has_perm("visa.view_statistics"):
            raise PermissionDenied
        return render(request, "visa/statistics.html", selectors.statistics())
