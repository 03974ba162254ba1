import urlman
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ExhibitionSection(models.Model):
    """A section of the exhibition (展区): a theme section or the general section."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    is_theme = models.BooleanField(_("theme section"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    capacity_m2 = models.PositiveIntegerField(_("floor area (m²)"), default=0)
    applications_open_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True)

    class Meta:
        verbose_name = _("exhibition section")
        verbose_name_plural = _("exhibition sections")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_close_at__isnull=True)
                | Q(applications_open_at__isnull=True)
                | Q(applications_close_at__gt=F("applications_open_at")),
                name="exhibition_section_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "/exhibitors/?section={self.slug}"
