"""Reads of lead capture: an organization's leads with the contact only where consent holds,
what a delegate sees of who scanned them, and the organizers' counts (no personal data)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from core.countries import country_name
from delegates.models import Registration
from exhibitors.models import Application, ExhibitionSection, Organization

from .models import ConsentWithdrawal, Lead

# The contact a consenting delegate shares, in this order (page, CSV, XLSX).
CONTACT_FIELDS = ("name", "name_zh", "organization", "title", "country", "email")


def can_capture(organization) -> bool:
    """An organization with an approved application that holds a booth."""
    return Application.objects.filter(
        organization=organization,
        status=Application.Status.APPROVED,
        booths__isnull=False,
    ).exists()


@dataclass
class LeadRow:
    lead: Lead
    contact: dict | None  # None: "contact not shared"

    @property
    def shared(self) -> bool:
        return self.contact is not None


def _contact(registration: Registration) -> dict:
    return {
        "name": registration.name,
        "name_zh": registration.name_zh,
        "organization": registration.organization,
        "title": registration.title,
        "country": country_name(registration.country.code),
        "email": registration.user.email,
    }


def _leads(organization):
    return (
        Lead.objects.filter(organization=organization)
        .select_related("badge__registration__user", "scanned_by")
        .annotate(
            withdrawn=Exists(
                ConsentWithdrawal.objects.filter(
                    organization_id=OuterRef("organization_id"),
                    registration_id=OuterRef("badge__registration_id"),
                )
            )
        )
        .order_by("-scanned_at", "-pk")
    )


def _row(lead: Lead) -> LeadRow:
    registration = lead.badge.registration
    shared = (
        registration.lead_consent_at is not None
        and not registration.is_anonymised
        and not lead.withdrawn
    )
    return LeadRow(lead=lead, contact=_contact(registration) if shared else None)


def lead_rows(organization) -> list[LeadRow]:
    """The organization's leads, newest first, each with the contact if the person consents."""
    return [_row(lead) for lead in _leads(organization)]


def lead_row(organization, pk: int) -> LeadRow | None:
    lead = _leads(organization).filter(pk=pk).first()
    return _row(lead) if lead else None


def organizations_that_captured(registration) -> list[Organization]:
    """The exhibitors whose staff scanned any badge of this person, A to Z."""
    return list(
        Organization.objects.filter(leads__badge__registration=registration)
        .distinct()
        .order_by("name_en", "pk")
    )


def captured_panel(request, registration) -> dict | None:
    """My registration's panel: who scanned me, and whether they still get my contact."""
    organizations = list(
        Organization.objects.filter(leads__badge__registration=registration)
        .annotate(
            withdrawn=Exists(
                ConsentWithdrawal.objects.filter(
                    registration=registration, organization_id=OuterRef("pk")
                )
            )
        )
        .distinct()
        .order_by("name_en", "pk")
    )
    return {
        "captured": organizations,
        "consents": registration.lead_consent_at is not None,
    }


@dataclass
class Statistics:
    by_exhibitor: list[dict]
    by_section: list[dict]
    total: int


def lead_statistics() -> Statistics:
    """Lead counts per exhibitor and per exhibition section: counts only, no one's contact."""
    by_exhibitor = list(
        Organization.objects.annotate(
            leads_total=Count("leads", distinct=True),
            leads_hot=Count("leads", filter=Q(leads__rating=Lead.Rating.HOT), distinct=True),
        )
        .filter(leads_total__gt=0)
        .values("pk", "name", "leads_total", "leads_hot")
        .order_by("-leads_total", "name_en", "pk")
    )
    # An organization counts in each section where it holds an approved application.
    by_section = list(
        ExhibitionSection.objects.annotate(
            leads_total=Count(
                "applications__organization__leads",
                filter=Q(applications__status=Application.Status.APPROVED),
                distinct=True,
            ),
            exhibitors=Count(
                "applications__organization",
                filter=Q(
                    applications__status=Application.Status.APPROVED,
                    applications__organization__leads__isnull=False,
                ),
                distinct=True,
            ),
        )
        .values("pk", "name", "leads_total", "exhibitors")
        .order_by("-leads_total", "pk")
    )
    return Statistics(
        by_exhibitor=by_exhibitor,
        by_section=by_section,
        total=sum(row["leads_total"] for row in by_exhibitor),
    )
