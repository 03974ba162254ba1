"""Dates and lists written the way each language writes them."""

from django import template
from django.utils import formats
from django.utils.translation import pgettext

from core import names

register = template.Library()


@register.filter(expects_localtime=True)
def long_day(value) -> str:
    """Friday, 24 September 2021 / 2021年9月24日 星期五: one format per language, in the catalogue."""
    if not value:
        return ""
    return formats.date_format(value, pgettext("date format of a day with its weekday", "l, j F Y"))


@register.filter
def enumeration(items) -> str:
    return names.enumeration(items)
