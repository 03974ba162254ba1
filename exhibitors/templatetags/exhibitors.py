from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Booth

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
            "stand": escape(_("Stand:")),
            "hall_stand": _("%(hall)s, stand %(code)s"),
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
        f'<p class="mb-0">{sections}</p>{_stands(organization, shared)}</div></div></article>'
    )


def _stands(organization, shared) -> str:
    stands = getattr(organization, "stands", None)
    if not stands:
        return ""
    from core.names import enumeration

    text = escape(
        enumeration(
            shared["hall_stand"] % {"hall": hall.name, "code": code} for hall, code in stands
        )
    )
    return (
        f'<p class="mt-1 mb-0 exhibitor-stand"><span class="visually-hidden">{shared["stand"]} '
        f'</span><i class="bi bi-geo-alt" aria-hidden="true"></i> {text}</p>'
    )


# --- Hall plans -------------------------------------------------------------------------------


def _m(value) -> str:
    """Metres for SVG coordinates and for reading: 3, 4.5, 30 (never 3.0 or 3E+1)."""
    return f"{float(value):g}"


def _plan_labels() -> dict:
    return {
        "url": reverse("exhibitors:organization", kwargs={"slug": SLUG}),
        "stand": _("Stand %(code)s: %(name)s"),
        "plan": _("Plan of %(hall)s"),
        "yours": _("this exhibitor's stand"),
        **{status: escape(label) for status, label in Booth.Status.choices},
    }


@register.simple_tag(takes_context=True)
def hall_plan(context, plan, current=None) -> str:
    """The hall's plan as SVG, drawn from its booth rows: each booth a rectangle coloured by its
    section (a class: the CSP allows no inline style), labelled by its code; an exhibitor's booth
    is a link to its page with an accessible name. ``current``: the organization whose booths
    are highlighted. Built in Python like the cards (hundreds of booths a hall)."""
    labels = context.render_context.get("hall_plans")
    if labels is None:
        labels = context.render_context["hall_plans"] = _plan_labels()
    hall = plan.hall
    title_id = f"plan-{escape(hall.slug)}"
    parts = [
        f'<svg class="hall-plan" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {hall.width_m} {hall.depth_m}" role="group" aria-labelledby="{title_id}">'
        f'<title id="{title_id}">{escape(labels["plan"] % {"hall": hall.name})}</title>'
        f'<rect class="plan-floor" x="0" y="0" width="{hall.width_m}" height="{hall.depth_m}"/>'
    ]
    for booth in plan.booths:
        x, y, w, d = _m(booth.x), _m(booth.y), _m(booth.width), _m(booth.depth)
        mine = bool(current) and booth.organization_id == current.pk
        classes = f"booth plan-c{booth.colour} booth-{booth.status}"
        if mine:
            classes += " booth-current"
        shape = (
            f'<rect x="{x}" y="{y}" width="{w}" height="{d}"/>'
            f'<text x="{_m(booth.x + booth.width / 2)}" y="{_m(booth.y + booth.depth / 2)}">'
            f"{escape(booth.code)}</text>"
        )
        if booth.listed:
            name = labels["stand"] % {"code": booth.code, "name": booth.organization_name}
            if mine:
                name = f"{name} ({labels['yours']})"
            url = labels["url"].replace(SLUG, booth.organization_slug)
            parts.append(
                f'<a href="{escape(url)}" id="stand-{escape(hall.slug)}-{escape(booth.code)}" class="{classes}" '
                f'aria-label="{escape(name)}"><title>{escape(name)}</title>{shape}</a>'
            )
        else:
            name = labels["stand"] % {"code": booth.code, "name": labels[booth.status]}
            parts.append(
                f'<g id="stand-{escape(hall.slug)}-{escape(booth.code)}" class="{classes}">'
                f"<title>{escape(name)}</title>{shape}</g>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def hall_booth_list(context, plan) -> str:
    """The plan as text: a table of the hall's booths, exhibitors linked."""
    url = reverse("exhibitors:organization", kwargs={"slug": SLUG})
    # Labels translated and escaped once a page, not once a booth (thousands in a large hall).
    statuses = {value: escape(str(label)) for value, label in Booth.Status.choices}
    types = {value: escape(str(label)) for value, label in Booth.Type.choices}
    sections = {section.pk: escape(section.name) for section in plan.sections}
    rows = []
    for booth in plan.booths:
        if booth.listed:
            who = (
                f'<a href="{escape(url.replace(SLUG, booth.organization_slug))}">'
                f"{escape(booth.organization_name)}</a>"
            )
        else:
            who = statuses[booth.status]
        rows.append(
            f'<tr><th scope="row"><span class="plan-key plan-c{booth.colour}" aria-hidden="true">'
            f"</span> {escape(booth.code)}</th><td>{sections[booth.section.pk]}</td>"
            f"<td>{who}</td><td>{_m(booth.area)} m²</td><td>{types[booth.booth_type]}</td></tr>"
        )
    head = "".join(
        f'<th scope="col">{escape(str(label))}</th>'
        for label in (
            _("Stand"),
            _("Exhibition section"),
            _("Exhibitor"),
            _("Area"),
            _("Booth type"),
        )
    )
    return mark_safe(
        f'<div class="table-responsive"><table class="table table-sm booth-list"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


@register.filter
def plan_colour(position) -> int:
    """The colour class of a section on the plan (as ``selectors.PlanBooth.colour``)."""
    from ..selectors import SECTION_COLOURS

    return int(position) % SECTION_COLOURS


@register.filter
def metres(value) -> str:
    """3, 4.5 (never 3.0): lengths and areas as people write them."""
    return _m(value) if value is not None else ""


@register.simple_tag
def documents_waiting() -> int:
    """How many handed-in documents wait for the team's review (the admin index panel)."""
    from exhibitors.models import Document

    return Document.objects.filter(status=Document.Status.SUBMITTED).count()
