"""The site's URLs without delegates: the programme must stand on its own."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from zgcforum import views

urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("events.urls")),
    path("exhibitors/", include("exhibitors.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
