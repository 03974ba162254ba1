"""The one country and territory list of the forum, its form field and its display names.

China and its special administrative regions come first, under the names the organizers use
(中国香港, 中国澳门, 中国台湾 / "Hong Kong, China"…); the rest follow by name: alphabetically
in English, by pinyin in Chinese. Every model field, form, filter, table and export takes its
countries from here.
"""

from collections.abc import Iterable

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override as language_override
from django_countries import Countries
from django_countries.fields import CountryField, LazyTypedChoiceField
from pypinyin import Style, lazy_pinyin

CHOOSE = _("Choose…")


def _pinyin_key(name: str) -> tuple:
    """Syllables without tones, then with them, then the characters: 阿尔巴尼亚 before 阿富汗."""
    return (
        lazy_pinyin(name),
        lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True),
        name,
    )


class ForumCountries(Countries):
    """China and its special administrative regions first, under the forum's names."""

    first = ["CN", "HK", "MO"]
    override = {
        "HK": _("Hong Kong, China"),
        "MO": _("Macao, China"),
        "TW": _("Taiwan, China"),
    }

    def __iter__(self):
        """The list in the active language, sorted once per language (pinyin in Chinese)."""
        language = get_language() or ""
        ordered = vars(self).setdefault("_forum_order", {})
        if language not in ordered:
            listed = list(super().__iter__())
            first, rest = listed[: len(self.first)], listed[len(self.first) :]
            if language.startswith("zh"):
                rest.sort(key=lambda country: _pinyin_key(str(country.name).strip()))
            ordered[language] = first + rest
        yield from ordered[language]

    def names(self) -> dict[str, str]:
        """Code → name in the active language, built once per language (``Countries.name``
        looks the list up anew on each call: ~0.02 ms, once per speaker in an export)."""
        language = get_language() or ""
        found = vars(self).setdefault("_forum_names", {})
        if language not in found:
            found[language] = {code: str(name) for code, name in self}
        return found[language]


forum_countries = ForumCountries()


class ForumCountryField(CountryField):
    """A model's country or territory: the forum's list; its select starts with "Choose…"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("countries", ForumCountries)
        kwargs.setdefault("blank_label", CHOOSE)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # The list is the class's own: migrations name the field, not the list.
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("countries", None)
        return name, path, args, kwargs


def _choices():
    return [("", CHOOSE), *forum_countries]


def country_formfield(**kwargs) -> forms.Field:
    """A form's country or territory select: "Choose…", then the forum's list in page language."""
    return LazyTypedChoiceField(choices=_choices, **kwargs)


def country_name(code: str, *, language: str | None = None) -> str:
    """The forum's name of a country or territory ("" for none), in ``language`` or the page's."""
    if not code:
        return ""
    if language is None:
        return forum_countries.names().get(code, "")
    with language_override(language):
        return forum_countries.names().get(code, "")


def in_forum_order(codes: Iterable[str]) -> list[tuple[str, str]]:
    """``(code, name)`` of the given codes, in the forum list's order for the page language."""
    wanted = set(codes)
    return [(code, str(name)) for code, name in forum_countries if code in wanted]


def forum_positions() -> dict[str, int]:
    """Each code's place in the forum list for the page language, to sort rows by country."""
    return {code: i for i, (code, _name) in enumerate(forum_countries)}
