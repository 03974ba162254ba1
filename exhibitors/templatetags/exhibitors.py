from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

SLUG = "organization-slug-placeholder"


def _shared(context) -> dict:
    """What every card of one render shares, worked out once: the page URL pattern (``reverse``
    under i18n_patterns costs ~0.1 ms here), the language and the label."""
    shared = context.render_context.get("exhibitor_cards")
    if shared is None:
        shared = context.render_context["exhibitor_cards"] = {
            "url": reverse("exhibitors:organization", kwargs={"slug": SLUG}),
            "english": get_language() == "en",
            "country": escape(_("Country or region:")),
        }
    return shared


@register.simple_tag(takes_context=True)
def exhibitor_card(context, organization) -> str:
    """One organization of the directory, as HTML: built in Python with ``html.escape`` (what
    Django's ``escape`` calls) rather than a template loop body, ~0.05 ms a card instead of 0.4."""
    shared = _shared(context)
    other = organization.name_zh_hans if shared["english"] else organization.name_en
    sections = "".join(
        f'<span class="badge text-bg-secondary me-1">{escape(section.name)}</span>'
        for section in organization.approved_sections
    )
    url = escape(shared["url"].replace(SLUG, organization.slug))
    if organization.logo:  # decorative: the name follows
        logo = f'<img src="{escape(organization.logo.url)}" alt="" class="exhibitor-card-logo" width="56" height="56" loading="lazy">'
    else:
        logo = f'<span class="exhibitor-card-logo" aria-hidden="true">{escape(organization.name[:1])}</span>'
    return mark_safe(
        f'<article class="card h-100"><div class="card-body d-flex gap-3">{logo}<div class="min-w-0">'
        f'<h2 class="h5 card-title"><a href="{url}">{escape(organization.name)}</a></h2>'
        f'<p class="card-subtitle mb-2 text-body-secondary">{escape(other or "")}</p>'
        f'<p class="mb-1"><span class="visually-hidden">{shared["country"]} </span>'
        f"{escape(str(organization.country.name))}</p>"
        f'<p class="mb-0">{sections}</p></div></div></article>'
    )
