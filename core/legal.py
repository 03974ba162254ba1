"""Consent labels that link to the privacy notice and the terms of participation.

The site routes the pages as ``privacy`` and ``terms``; an app builds a consent checkbox's label
here instead of naming the site. Without those pages routed the label is the plain sentence.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, strip_tags


def consent_label(sentence: str) -> str:
    """``sentence`` (translated, with ``{privacy}`` and ``{terms}`` in the href of its links)
    with the pages' URLs in the active language; the label's HTML comes only from the catalogue."""
    try:
        urls = {"privacy": reverse("privacy"), "terms": reverse("terms")}
    except NoReverseMatch:
        return strip_tags(sentence.replace("{privacy}", "").replace("{terms}", ""))
    return format_html(sentence, **urls)
