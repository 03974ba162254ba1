"""URLs. English lives at the root (/schedule/), Chinese under /zh-hans/ (/zh-hans/schedule/).

Every page exists in both languages at a stable, shareable URL; the language is never guessed
from cookies or headers, so caches and links always agree on what a URL shows.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django.views.i18n import set_language

from . import health, views
from .models import LegalPage

# Lazy: /zh-hans/admin/ shows them in Chinese.
admin.site.site_header = _("ZGC Forum · organizers")
admin.site.site_title = _("ZGC Forum")
admin.site.index_title = _("Forum administration")
# The admin index shows the panels the apps registered (core.registries.dashboard_panels).
admin.site.index_template = "admin/forum_index.html"

urlpatterns = [
    # No database, no language: the benchmark's floor and the load balancer's health check.
    path("healthz/", TemplateView.as_view(template_name="healthz.html"), name="healthz"),
    # Database, cache and broker reachable: 200, else 503 (deploy/README.md: Health checks).
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for these at the root whatever the page links to.
    path("favicon.ico", views.root_icon, {"name": "favicon.ico", "content_type": "image/x-icon"}),
    path(
        "apple-touch-icon.png",
        views.root_icon,
        {"name": "apple-touch-icon.png", "content_type": "image/png"},
    ),
    # The admin login's language switch posts here; the URL it returns to carries the language.
    path("i18n/setlang/", set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.legal_page, {"slug": LegalPage.Slug.PRIVACY}, name="privacy"),
    path("terms/", views.legal_page, {"slug": LegalPage.Slug.TERMS}, name="terms"),
    path("accounts/", include("accounts.urls")),
    path("", include("events.urls")),
    path("exhibitors/", include("exhibitors.urls")),
    path("delegates/", include("delegates.urls")),
    path("visa/", include("visa.urls")),
    path("leads/", include("leads.urls")),
    path("notifications/", include("notifications.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    prefix_default_language=False,
)

handler404 = "zgcforum.views.error_404"
handler403 = "zgcforum.views.error_403"
handler500 = "zgcforum.views.error_500"

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    # Public files only: MEDIA_ROOT holds no private file (PRIVATE_MEDIA_ROOT lies elsewhere).
    urlpatterns.append(path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media))
