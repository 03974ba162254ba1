import urlman
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Forum(models.Model):
    """One yearly edition of the Zhongguancun Forum."""

    edition = models.PositiveSmallIntegerField(_("edition (year)"), unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("annual theme"), max_length=200, blank=True)
    permanent_theme = models.CharField(_("permanent theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["-edition"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="forum_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    class urls(urlman.Urls):
        public = "/"

    @property
    def days(self):
        from datetime import timedelta

        return [
            self.starts_on + timedelta(days=i)
            for i in range((self.ends_on - self.starts_on).days + 1)
        ]


class Section(models.Model):
    """A part of the forum's programme (板块): forum meetings, exhibition, competitions, …"""

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="sections", verbose_name=_("forum")
    )
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f4e8c", help_text=_("#RRGGBB"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["forum", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "slug"], name="section_slug_unique_per_forum"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="section_colour_hex"
            ),
        ]

    def __str__(self):
        return self.name


class Venue(models.Model):
    """A building or site where sessions take place."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Room(models.Model):
    """A hall or meeting room inside a venue."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("venue")
    )
    slug = models.SlugField(_("slug"))
    name = models.CharField(_("name"), max_length=160)
    capacity = models.PositiveIntegerField(_("seats"))
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    accessibility = models.CharField(_("accessibility notes"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "slug"], name="room_slug_unique_per_venue"),
        ]

    def __str__(self):
        return f"{self.venue} · {self.name}"
