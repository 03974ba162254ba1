"""Reads for the exhibition: render-ready querysets for the directory and the portal."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from .models import (
    LISTED,
    Application,
    ApplicationEvent,
    ExhibitionSection,
    Membership,
    Organization,
)


def exhibition_sections() -> list[ExhibitionSection]:
    return list(ExhibitionSection.objects.order_by("position", "pk"))


def _approved(**filters) -> Exists:
    return Exists(
        Application.objects.filter(
            organization=OuterRef("pk"), status=Application.Status.APPROVED, **filters
        )
    )


def public_exhibitors(
    *,
    query: str = "",
    section: ExhibitionSection | None = None,
    country: str = "",
    field: str = "",
    letter: str = "",
) -> QuerySet[Organization]:
    """Approved, published organizations, A–Z (``with_sections`` adds what their cards show)."""
    organizations = Organization.objects.filter(LISTED)
    if section is not None:
        organizations = organizations.filter(_approved(section=section))
    if field:
        organizations = organizations.filter(_approved(exhibit_field=field))
    if country:
        organizations = organizations.filter(country=country)
    if letter:
        organizations = organizations.filter(name_en__istartswith=letter)
    query = query.strip()
    if query:
        # Both names and both descriptions, whatever the UI language: one stored column.
        organizations = organizations.filter(search_text__contains=query.upper())
    return organizations.defer("search_text").order_by("name_en", "pk")


def listed_count() -> int:
    """How many organizations the directory lists (published, with an approved application)."""
    return Organization.objects.filter(LISTED).count()


def with_sections(organizations, sections: list[ExhibitionSection]) -> list[Organization]:
    """The organizations, each with ``approved_sections`` in section order: one query for the
    (organization, section) pairs of approved applications; ``sections`` are all of them."""
    organizations = list(organizations)
    approved = {organization.pk: set() for organization in organizations}
    pairs = Application.objects.approved().filter(organization__in=organizations)
    for organization_id, section_id in pairs.values_list("organization_id", "section_id"):
        approved[organization_id].add(section_id)
    for organization in organizations:
        organization.approved_sections = [s for s in sections if s.pk in approved[organization.pk]]
    return organizations


def directory_countries() -> list[str]:
    """Country codes of the organizations the directory can show, for its filter."""
    return list(
        Organization.objects.filter(LISTED).values_list("country", flat=True).distinct().order_by()
    )


def public_exhibitor(slug: str) -> Organization | None:
    """A listed organization with its approved applications (sections, exhibits) in order."""
    approved = Application.objects.approved().select_related("section")
    return (
        public_exhibitors()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=approved.order_by("section__position"),
                to_attr="approved_applications",
            )
        )
        .first()
    )


def organizations_of(user) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name_en", "pk")


def portal_applications(organization: Organization) -> QuerySet[Application]:
    return organization.applications.select_related("section").order_by("section__position")


def application_history(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("at", "pk")


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__email")


def open_sections() -> list[ExhibitionSection]:
    return [s for s in exhibition_sections() if s.is_open()]
