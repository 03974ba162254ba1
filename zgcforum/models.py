import urlman
from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LegalPage(models.Model):
    """The privacy notice or the terms of participation, bilingual, edited by the secretariat."""

    class Slug(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        TERMS = "terms", _("Terms of participation")

    slug = models.SlugField(_("page"), choices=Slug.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs are separated by an empty line; a line starting with “## ” is a heading, "
            "lines starting with “- ” make a list. {sensitive_data_days} and "
            "{server_log_days} are replaced by the retention periods in the settings."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")

    def __str__(self):
        return self.get_slug_display()

    class urls(urlman.Urls):
        public = "{self.prefix}/{self.slug}/"

    @property
    def prefix(self) -> str:
        """English lives at the root, Chinese under /zh-hans/ (i18n_patterns)."""
        language = get_language() or settings.LANGUAGE_CODE
        return "" if language == settings.LANGUAGE_CODE else f"/{language}"


class AuditTrail(models.Model):
    """No table: holds the permission to read the whole forum's recent changes (the audit trail
    of every model with history, ``/admin/recent-changes/``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_audit_trail", _("Can read the recent changes of the whole forum"))]
        verbose_name = _("audit trail")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return str(self._meta.verbose_name)
