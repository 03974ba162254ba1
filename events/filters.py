"""Schedule filters: combinable, bookmarkable GET parameters (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import Event, Session, Speaker


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class ScheduleFilter(django_filters.FilterSet):
    """Filters over ``selectors.public_sessions``; ``choices`` from ``selectors.filter_choices``."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    section = django_filters.ChoiceFilter(
        label=_("Section"), field_name="event__section__slug", widget=_select()
    )
    theme = django_filters.ChoiceFilter(label=_("Theme"), method="by_theme", widget=_select())
    type = django_filters.ChoiceFilter(
        label=_("Event type"),
        field_name="event__type",
        choices=Event.Type.choices,
        widget=_select(),
    )
    venue = django_filters.ChoiceFilter(
        label=_("Venue"), field_name="room__venue__slug", widget=_select()
    )
    room = django_filters.ChoiceFilter(label=_("Room"), field_name="room_id", widget=_select())
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        method="by_language",
        choices=Session.Language.choices,
        widget=_select(),
    )
    interpretation = django_filters.BooleanFilter(
        label=_("Simultaneous interpretation"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        method="by_interpretation",
    )

    class Meta:
        model = Session
        fields: list = []

    def __init__(self, data=None, *args, choices=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        choices = choices or {}
        fields = self.filters
        fields["section"].extra["choices"] = choices.get("sections", [])
        fields["theme"].extra["choices"] = choices.get("themes", [])
        fields["venue"].extra["choices"] = choices.get("venues", [])
        fields["room"].extra["choices"] = choices.get("rooms", [])
        for name in ("section", "theme", "type", "venue", "room", "language"):
            fields[name].extra["empty_label"] = _("All")

    def search(self, queryset, name, value):
        """Both language columns explicitly: modeltranslation would only search the active one."""
        value = value.strip()
        if not value:
            return queryset
        people = Speaker.objects.filter(
            Q(name__icontains=value) | Q(name_zh__icontains=value)
        ).values("pk")
        return queryset.filter(
            Q(title_en__icontains=value)
            | Q(title_zh_hans__icontains=value)
            | Q(event__title_en__icontains=value)
            | Q(event__title_zh_hans__icontains=value)
            | Q(event__host_en__icontains=value)
            | Q(event__host_zh_hans__icontains=value)
            | Exists(
                Session.speakers.through.objects.filter(
                    session_id=OuterRef("pk"), speaker_id__in=people
                )
            )
            | Exists(
                Session.moderators.through.objects.filter(
                    session_id=OuterRef("pk"), speaker_id__in=people
                )
            )
        )

    def by_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Session.themes.through.objects.filter(session_id=OuterRef("pk"), theme__slug=value)
            )
            | Exists(
                Event.themes.through.objects.filter(
                    event_id=OuterRef("event_id"), theme__slug=value
                )
            )
        )

    def by_language(self, queryset, name, value):
        if value == Session.Language.BOTH:
            return queryset.filter(language=value)
        return queryset.filter(language__in=[value, Session.Language.BOTH])

    def by_interpretation(self, queryset, name, value):
        return queryset.filter(interpretation=True) if value else queryset
