"""The organizers' site: staff with a confirmed e-mail address, and a second factor where
``ADMIN_SECOND_FACTOR`` asks for one.

Installed as the default site (``zgcforum.apps.ForumAdminConfig``), so ``admin.site`` and every
app's ``@admin.register`` use it. With ``ADMIN_SECOND_FACTOR`` on, superusers and the visa desk
need a confirmed TOTP device (an authenticator app), and so does anyone else who set one up; a
user who needs one and has none reaches no admin page but the device set-up.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import DEVICE_ID_SESSION_KEY, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from visa.roles import VISA_DESK

RECOVERY_CODES = 10
DEVICE_NAME = "organizers' site"


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin login: staff only, and only once their e-mail address is confirmed."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "unverified": _(
            "Confirm your e-mail address before you sign in to the organizers' site: follow the "
            "link in the confirmation mail, or sign in on the main site to have it sent again."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )


def needs_second_factor(user) -> bool:
    """Superusers and the visa desk, and whoever set up a device, when the setting is on."""
    if not settings.ADMIN_SECOND_FACTOR or not user.is_authenticated:
        return False
    cached = getattr(user, "_needs_second_factor", None)
    if cached is None:
        cached = (
            user.is_superuser
            or user.groups.filter(name=VISA_DESK).exists()
            or user_has_device(user, confirmed=True)
        )
        user._needs_second_factor = cached
    return cached


def signed_in_with_second_factor(request) -> bool:
    """The session holds a confirmed device of this user (``django_otp.login`` put it there).

    Read here rather than through django-otp's middleware, whose ``user.is_verified()`` would
    shadow ``User.is_verified`` (the confirmed e-mail address).
    """
    cached = getattr(request, "_second_factor_device", None)
    if cached is None:
        device = None
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id:
            device = Device.from_persistent_id(persistent_id)
        cached = bool(device and device.user_id == request.user.pk and device.confirmed)
        request._second_factor_device = cached
    return cached


def _second_factor_done(request) -> bool:
    return not needs_second_factor(request.user) or signed_in_with_second_factor(request)


class ForumAdminSite(admin.AdminSite):
    login_form = StaffAuthenticationForm

    def _staff_before_second_factor(self, request) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and user.email_verified_at is not None
        )

    def has_permission(self, request):
        return self._staff_before_second_factor(request) and _second_factor_done(request)

    def login(self, request, extra_context=None):
        # Signed in, but the second factor is missing: to the device page, not the login form.
        if (
            request.method == "GET"
            and self._staff_before_second_factor(request)
            and not _second_factor_done(request)
        ):
            url = reverse("admin:second_factor", current_app=self.name)
            next_url = request.GET.get("next", "")
            return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
        return super().login(request, extra_context)

    def get_urls(self):
        from .views import recent_changes

        view = never_cache(csrf_protect(self.second_factor_view))
        return [
            path("second-factor/", view, name="second_factor"),
            # The audit trail across every app (zgcforum.selectors.recent_changes).
            path("recent-changes/", self.admin_view(recent_changes), name="recent_changes"),
            *super().get_urls(),
        ]

    def second_factor_view(self, request):
        """Set up an authenticator app (QR code, then a code to confirm it, then recovery codes)
        or, once set up, enter a code from it."""
        if not self._staff_before_second_factor(request):
            login = reverse("admin:login", current_app=self.name)
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if signed_in_with_second_factor(request):
            return redirect(next_url)
        has_device = user_has_device(user, confirmed=True)
        device = None
        if not has_device:
            device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token = form.cleaned_data["token"].replace(" ", "")
            if has_device:
                matched = match_token(user, token)
                if matched is not None:
                    otp_login(request, matched)
                    request._second_factor_device = True
                    return redirect(next_url)
            elif device.verify_token(token):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
                otp_login(request, device)
                context = {
                    **self.each_context(request),
                    "title": _("Your recovery codes"),
                    "codes": codes,
                    "next_url": next_url,
                }
                return TemplateResponse(request, "admin/second_factor_codes.html", context)
            form.add_error(
                "token",
                _("That code is not right, or has expired: enter the code shown now."),
            )
        context = {
            **self.each_context(request),
            "title": _("Sign-in code") if has_device else _("Set up your authenticator app"),
            "form": form,
            "next_url": next_url,
            "setting_up": not has_device,
            # No navigation (nor the list of models) before the second factor.
            "has_permission": False,
            "is_nav_sidebar_enabled": False,
            "available_apps": [],
        }
        if device is not None:
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
                scale=4, title=str(_("QR code for your authenticator app"))
            )
            context["secret"] = _spaced_base32(device.bin_key)
        return TemplateResponse(request, "admin/second_factor.html", context)


def _new_recovery_codes(user) -> list[str]:
    """Ten single-use codes for a lost phone; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _spaced_base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
