from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as static_apps
from django_otp.plugins.otp_totp import apps as totp_apps


class SiteConfig(AppConfig):
    """The site at the top: settings, URLs, the home page, the admin index, ``seed_demo``."""

    name = "zgcforum"
    default = True  # the other configs here stand in for django.contrib.admin and django-otp
    verbose_name = _("ZGC Forum")

    def ready(self):
        from core.registries import DashboardPanel, Landing, dashboard_panels, landings

        from . import admin_dates, checks, lookups, services  # noqa: F401  (they register)

        # Organizers, hosts and desk staff work in the admin.
        landings.register(Landing("staff", "admin:index", lambda user: user.is_staff, order=10))
        # The forum's state after the work queues; each panel checks what the user may see.
        for order, (key, title) in enumerate(
            [
                ("programme", _("Programme")),
                ("exhibition", _("Exhibition")),
                ("delegates", _("Delegates")),
                ("fullest", _("Fullest sessions")),
                ("today", _("Today")),
            ]
        ):
            dashboard_panels.register(
                DashboardPanel(
                    f"state-{key}", title, f"admin/dashboard/_{key}.html", order=order - 5
                )
            )
        # django-axes names its app after itself and ships no Chinese: the site names it, and
        # translates its model names in the site's catalogue (zgcforum.admin.THIRD_PARTY_NAMES).
        apps.get_app_config("axes").verbose_name = _("Login protection")
        # Django's split date/time widget writes "Date:" and "Time:" as bare text beside its two
        # inputs: the site's template makes them the inputs' labels (axe: form elements need one).
        from django.contrib.admin import widgets as admin_widgets

        admin_widgets.AdminSplitDateTime.template_name = (
            "admin/widgets/split_datetime_labelled.html"
        )
        # The privacy notice and the terms exist from the first migrate on, in both languages.
        post_migrate.connect(services.ensure_legal_pages_after_migrate, sender=self)


class ForumAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the organizers' site as ``admin.site``."""

    default = False
    default_site = "zgcforum.admin_site.ForumAdminSite"


class TOTPConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP plugin, named in the forum's languages in the admin."""

    default = False
    verbose_name = _("Authenticator apps")


class RecoveryCodesConfig(static_apps.DefaultConfig):
    """django-otp's static plugin: the recovery codes."""

    default = False
    verbose_name = _("Recovery codes")
