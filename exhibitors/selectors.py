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
    """Approved, published organizations, with their approved sections prefetched, A–Z."""
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
    return (
        organizations.prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.approved()
                .select_related("section")
                .order_by("section__position"),
                to_attr="approved_applications",
            )
        )
        .defer("search_text")
        .order_by("name_en", "pk")
    )


def directory_countries() -> list[str]:
    """Country codes of the organizations the directory can show, for its filter."""
    return list(
        Organization.objects.filter(LISTED).values_list("country", flat=True).distinct().order_by()
    )


def public_exhibitor(slug: str) -> Organization | None:
    return public_exhibitors().filter(slug=slug).first()


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
