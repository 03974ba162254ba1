from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, UpdateView, View

from core.http import local_path
from core.registries import landings

from . import services
from .forms import (
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SignUpForm,
)


def journey(next_path: str) -> str:
    """The URL name of where a visitor is going ("delegates:register" for the forum
    registration): the account pages show the steps of that path."""
    try:
        return resolve(urlsplit(next_path).path).view_name if next_path else ""
    except Resolver404:
        return ""


class JourneyMixin:
    """Keeps ``next`` (a path on this site) through the account pages, and names its journey."""

    def next_path(self) -> str:
        return local_path(self.request.POST.get("next") or self.request.GET.get("next", ""), "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_path = context.get("next") or self.next_path()
        context.update(next=next_path, journey=journey(next_path))
        return context


class SignUpView(JourneyMixin, FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.next_path() or resolve_url("accounts:profile"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.sign_up(
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                name_zh=data["name_zh"],
                language=data["language"],
                next_path=self.next_path(),
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
            return self.form_invalid(form)
        self.request.session["signed_up_email"] = user.email
        self.request.session["signed_up_next"] = self.next_path()
        return redirect("accounts:signup_done")


class SignUpDoneView(FormView):
    template_name = "accounts/signup_done.html"
    form_class = ResendVerificationForm

    def get_context_data(self, **kwargs):
        next_path = self.request.session.get("signed_up_next", "")
        return super().get_context_data(**kwargs, journey=journey(next_path))

    def get_initial(self):
        return {"email": self.request.session.get("signed_up_email", "")}

    def form_valid(self, form):
        services.resend_verification(form.cleaned_data["email"])
        messages.info(
            self.request,
            _("If an unconfirmed account uses this address, a new link is on its way."),
        )
        return redirect("accounts:signup_done")


class VerifyEmailView(View):
    def get(self, request, token):
        try:
            services.verify_email(token)
        except services.AccountError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:signup_done")
        if next_path := services.verification_next(token):
            messages.success(
                request, _("Your email address is confirmed. Log in to continue where you were.")
            )
            login = resolve_url("accounts:login")
            return HttpResponseRedirect(f"{login}?{urlencode({'next': next_path})}")
        messages.success(request, _("Your email address is confirmed. You can log in now."))
        return redirect("accounts:login")


class LoginView(JourneyMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resend_form"] = ResendVerificationForm()
        return context

    def get_default_redirect_url(self):
        """Without a ``next``, each user lands where their work is (``core.registries.landings``,
        which the apps fill), else on their profile."""
        user = self.request.user
        for landing in landings.ordered():
            if landing.applies(user):
                return resolve_url(landing.url_name)
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        services.update_profile(self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your profile is saved."))
        return redirect(reverse("accounts:profile"))


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
