"""Reads for the exhibition: render-ready querysets for the directory and the portal."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from .models import (
    LISTED,
    Application,
    ApplicationEvent,
    Booth,
    Document,
    Exhibit,
    ExhibitionSection,
    Fapiao,
    FeeLine,
    Hall,
    Membership,
    Organization,
    Requirement,
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
    hall: Hall | None = None,
) -> QuerySet[Organization]:
    """Approved, published organizations, A–Z (``with_sections`` adds what their cards show)."""
    organizations = Organization.objects.filter(LISTED)
    if section is not None:
        organizations = organizations.filter(_approved(section=section))
    if field:
        organizations = organizations.filter(_approved(exhibit_field=field))
    if hall is not None:
        organizations = organizations.filter(
            Exists(Booth.objects.filter(hall=hall, application__organization=OuterRef("pk")))
        )
    if country:
        organizations = organizations.filter(country=country)
    if letter:
        organizations = organizations.filter(name_en__istartswith=letter)
    query = query.strip()
    if query:
        # Both names and both descriptions, whatever the UI language: one stored column.
        # …and their exhibits' names and descriptions.
        needle = query.upper()
        organizations = organizations.filter(
            Q(search_text__contains=needle)
            | Exists(
                Exhibit.objects.filter(organization=OuterRef("pk"), search_text__contains=needle)
            )
        )
    return organizations.defer("search_text").order_by("name_en", "pk")


def listed_count() -> int:
    """How many organizations the directory lists (published, with an approved application)."""
    return Organization.objects.filter(LISTED).count()


def with_sections(
    organizations, sections: list[ExhibitionSection], halls: list[Hall] = ()
) -> list[Organization]:
    """The organizations, each with ``approved_sections`` in section order and ``stands`` (hall,
    code) in hall order: one query for the approved applications and their booths; ``sections``
    and ``halls`` are all of them."""
    organizations = list(organizations)
    approved = {organization.pk: set() for organization in organizations}
    stands = {organization.pk: [] for organization in organizations}
    halls_by_pk = {hall.pk: hall for hall in halls}
    pairs = Application.objects.approved().filter(organization__in=organizations)
    rows = pairs.values_list("organization_id", "section_id", "booths__hall_id", "booths__code")
    for organization_id, section_id, hall_id, code in rows.order_by():
        approved[organization_id].add(section_id)
        if code is not None and hall_id in halls_by_pk:
            stands[organization_id].append((halls_by_pk[hall_id], code))
    order = {hall.pk: i for i, hall in enumerate(halls)}
    for organization in organizations:
        organization.approved_sections = [s for s in sections if s.pk in approved[organization.pk]]
        organization.stands = sorted(stands[organization.pk], key=lambda s: (order[s[0].pk], s[1]))
    return organizations


def directory_countries() -> list[str]:
    """Country codes of the organizations the directory can show, for its filter."""
    return list(
        Organization.objects.filter(LISTED).values_list("country", flat=True).distinct().order_by()
    )


def public_exhibitor(slug: str) -> Organization | None:
    """A listed organization with its approved applications (sections, exhibits) in order, and
    ``plans``: each hall it has a stand in, with all that hall's booths (``hall_plans``)."""
    approved = Application.objects.approved().select_related("section")
    organization = (
        public_exhibitors()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=approved.order_by("section__position"),
                to_attr="approved_applications",
            ),
            Prefetch("exhibits", queryset=public_exhibits(), to_attr="shown_exhibits"),
        )
        .first()
    )
    if organization is not None:
        own_halls = Booth.objects.filter(application__organization=organization).values("hall_id")
        organization.plans = hall_plans(Booth.objects.filter(hall__in=own_halls))
        organization.own_stands = [
            (plan.hall, booth)
            for plan in organization.plans
            for booth in plan.booths
            if booth.organization_id == organization.pk
        ]
    return organization


# --- Halls and their plans ------------------------------------------------------------------

SECTION_COLOURS = 8  # exhibitors.css: .plan-c0 … .plan-c7


class PlanBooth:
    """One booth as the plan draws it (plain attributes: the plan reads thousands of them)."""

    __slots__ = (
        "pk",
        "code",
        "x",
        "y",
        "width",
        "depth",
        "area",
        "booth_type",
        "status",
        "section",
        "colour",
        "organization_id",
        "organization_name",
        "organization_slug",
        "listed",
    )


class HallPlan:
    """A hall with its booths (``PlanBooth``) and the sections they belong to (legend)."""

    def __init__(self, hall: Hall):
        self.hall = hall
        self.booths: list[PlanBooth] = []
        self.sections: list[ExhibitionSection] = []


# What a plan reads of each booth, its hall, section and exhibitor: plain values, no model
# instances (a ten-times forum's largest hall holds 2,000 booths; five instances a booth were
# three quarters of its page).
_PLAN_COLUMNS = (
    "hall_id",
    "hall__slug",
    "hall__name_en",
    "hall__name_zh_hans",
    "hall__building_en",
    "hall__building_zh_hans",
    "hall__floor",
    "hall__width_m",
    "hall__depth_m",
    "hall__position",
    "section_id",
    "section__slug",
    "section__name_en",
    "section__name_zh_hans",
    "section__position",
    "pk",
    "code",
    "x_m",
    "y_m",
    "width_m",
    "depth_m",
    "area_m2",
    "booth_type",
    "status",
    "application__status",
    "application__organization_id",
    "application__organization__slug",
    "application__organization__name_en",
    "application__organization__name_zh_hans",
    "application__organization__is_published",
    "application__organization__has_approved_application",
)


def hall_plans(booths: QuerySet[Booth]) -> list[HallPlan]:
    """Booths grouped into their halls' plans, halls and booths in order: render-ready rows, one
    query. Names in the reader's language, falling back to the other as the models do."""
    chinese = get_language() == "zh-hans"
    approved = Application.Status.APPROVED
    plans: dict[int, HallPlan] = {}
    sections: dict[int, ExhibitionSection] = {}
    rows = booths.order_by("hall__position", "hall_id", "y_m", "x_m", "code").values(*_PLAN_COLUMNS)
    for r in rows:
        plan = plans.get(r["hall_id"])
        if plan is None:
            plan = plans[r["hall_id"]] = HallPlan(_plan_hall(r))
        section = sections.get(r["section_id"])
        if section is None:
            section = sections[r["section_id"]] = ExhibitionSection(
                pk=r["section_id"],
                slug=r["section__slug"],
                name_en=r["section__name_en"],
                name_zh_hans=r["section__name_zh_hans"],
                position=r["section__position"],
            )
        row = PlanBooth()
        row.pk, row.code = r["pk"], r["code"]
        row.x, row.y, row.width, row.depth = r["x_m"], r["y_m"], r["width_m"], r["depth_m"]
        row.area, row.booth_type, row.status = r["area_m2"], r["booth_type"], r["status"]
        row.section, row.colour = section, section.position % SECTION_COLOURS
        row.organization_id = r["application__organization_id"]
        english, zh = (
            r["application__organization__name_en"],
            r["application__organization__name_zh_hans"],
        )
        row.organization_name = ((zh or english) if chinese else (english or zh)) or ""
        row.organization_slug = r["application__organization__slug"] or ""
        row.listed = bool(
            row.organization_id
            and r["application__organization__is_published"]
            and r["application__organization__has_approved_application"]
            and r["application__status"] == approved
        )
        plan.booths.append(row)
    for plan in plans.values():
        seen = {}
        for row in plan.booths:
            seen.setdefault(row.section.pk, row.section)
        plan.sections = sorted(seen.values(), key=lambda s: (s.position, s.pk))
    return list(plans.values())


def _plan_hall(row: dict) -> Hall:
    return Hall(
        pk=row["hall_id"],
        slug=row["hall__slug"],
        name_en=row["hall__name_en"],
        name_zh_hans=row["hall__name_zh_hans"],
        building_en=row["hall__building_en"],
        building_zh_hans=row["hall__building_zh_hans"],
        floor=row["hall__floor"],
        width_m=row["hall__width_m"],
        depth_m=row["hall__depth_m"],
        position=row["hall__position"],
    )


def public_hall(slug: str) -> HallPlan | None:
    """A hall's plan: the hall, then its booths with sections and exhibitors, in one query."""
    hall = Hall.objects.filter(slug=slug).first()
    if hall is None:
        return None
    plans = hall_plans(Booth.objects.filter(hall=hall))
    if plans:
        plans[0].hall = hall
        return plans[0]
    return HallPlan(hall)


def halls() -> list[Hall]:
    return list(Hall.objects.order_by("position", "pk"))


def organizations_of(user) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name_en", "pk")


def portal_home(user) -> QuerySet[Organization]:
    """The user's organizations, each with its applications, their sections, halls and stands
    (three queries however many)."""
    booths = Booth.objects.select_related("hall").order_by("hall__position", "code")
    applications = (
        Application.objects.select_related("section")
        .prefetch_related(Prefetch("booths", queryset=booths))
        .order_by("section__position", "pk")
    )
    return organizations_of(user).prefetch_related(Prefetch("applications", queryset=applications))


def portal_applications(organization: Organization) -> QuerySet[Application]:
    """The organization's applications with their sections and booths (hall and stand)."""
    booths = Booth.objects.select_related("hall").order_by("hall__position", "code")
    return (
        organization.applications.select_related("section")
        .prefetch_related(Prefetch("booths", queryset=booths))
        .order_by("section__position")
    )


def application_history(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("at", "pk")


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__email")


def open_sections() -> list[ExhibitionSection]:
    return [s for s in exhibition_sections() if s.is_open()]


def application_windows(sections: list[ExhibitionSection], at=None) -> dict:
    """When no window is open: the sections whose window closed (latest first) and the next
    window to open, if any."""
    from django.utils import timezone

    at = at or timezone.now()
    closed = sorted(
        (s for s in sections if s.applications_close_at and s.applications_close_at <= at),
        key=lambda s: s.applications_close_at,
        reverse=True,
    )
    upcoming = sorted(
        (s for s in sections if s.applications_open_at and s.applications_open_at > at),
        key=lambda s: s.applications_open_at,
    )
    return {"closed": closed, "next": upcoming[0] if upcoming else None}


# --- The exhibitor's portal -----------------------------------------------------------------


def public_exhibits() -> QuerySet[Exhibit]:
    return Exhibit.objects.defer("search_text").order_by("position", "pk")


def exhibits_of(organization: Organization) -> QuerySet[Exhibit]:
    return public_exhibits().filter(organization=organization).select_related("organization")


class StaffList:
    """The organization's people against its allowance: members, open invitations, the count."""

    def __init__(self, members, invitations, allowance: int):
        self.members = members
        self.invitations = invitations
        self.allowance = allowance
        self.used = len(members) + len(invitations)
        self.left = max(0, allowance - self.used)


def staff_of(organization: Organization) -> StaffList:
    from .services import staff_allowance

    members = list(members_of(organization))
    invitations = list(
        organization.invitations.filter(accepted_at__isnull=True).order_by("created_at", "pk")
    )
    return StaffList(members, invitations, staff_allowance(organization))


# --- Documents, fees and the checklist ------------------------------------------------------


class DocumentRow:
    """A requirement as the organization sees it: its document (or None) and where it stands."""

    def __init__(self, requirement: Requirement, document: Document | None, today):
        self.requirement = requirement
        self.document = document
        self.due_on = requirement.due_on
        status = document.status if document is not None else ""
        self.done = status == Document.Status.ACCEPTED
        self.waiting = status == Document.Status.SUBMITTED
        self.returned = status == Document.Status.RETURNED
        self.overdue = not (self.done or self.waiting) and requirement.due_on < today


def documents_of(organization: Organization, today=None) -> list[DocumentRow]:
    """The requirements that apply to the organization's approved applications, due date first,
    each with its document: three queries however many."""
    from django.utils import timezone

    today = today or timezone.localdate()
    applications = list(organization.applications.approved().order_by())
    if not applications:
        return []
    requirements = [
        r
        for r in Requirement.objects.order_by("due_on", "position", "pk")
        if any(r.applies_to(a) for a in applications)
    ]
    documents = {
        d.requirement_id: d
        for d in Document.objects.filter(organization=organization, requirement__in=requirements)
    }
    for document in documents.values():
        document.organization = organization
    return [DocumentRow(r, documents.get(r.pk), today) for r in requirements]


def document_for(organization: Organization, requirement_id: int) -> DocumentRow | None:
    for row in documents_of(organization):
        if row.requirement.pk == requirement_id:
            return row
    return None


def fees_of(organization: Organization) -> list[FeeLine]:
    return list(organization.fee_lines.select_related("booth__hall").order_by("pk"))


def fapiao_of(organization: Organization) -> Fapiao | None:
    return Fapiao.objects.filter(organization=organization).first()


class ChecklistItem:
    def __init__(self, label, done: bool, url: str, due_on=None, note="", overdue=False):
        self.label, self.done, self.url, self.due_on, self.note = label, done, url, due_on, note
        self.overdue = overdue


def checklist(organization: Organization, documents=None) -> list[ChecklistItem]:
    """What an approved exhibitor does before opening day, done or not, with the due dates."""
    from django.utils.translation import gettext as _

    from .services import staff_allowance

    if documents is None:
        documents = documents_of(organization)
    items = [
        ChecklistItem(
            _("List your exhibits"),
            organization.exhibits.exists(),
            organization.urls.exhibits,
        ),
        ChecklistItem(
            _("Invite your stand staff"),
            # Done once someone is invited: they join when they accept.
            organization.memberships.filter(role=Membership.Role.STAFF).exists()
            or organization.invitations.filter(
                role=Membership.Role.STAFF, accepted_at__isnull=True
            ).exists(),
            organization.urls.staff,
            note=_("up to %(n)s people") % {"n": staff_allowance(organization)},
        ),
    ]
    for row in documents:
        items.append(
            ChecklistItem(
                row.requirement.name,
                row.done,
                _doc_url(organization, row),
                due_on=row.due_on,
                note=row.document.get_status_display() if row.document else "",
                overdue=row.overdue,
            )
        )
    fees = list(organization.fee_lines.values_list("payment", flat=True))
    items.append(
        ChecklistItem(
            _("Give the fapiao details"),
            Fapiao.objects.filter(organization=organization).exists(),
            organization.urls.fees,
        )
    )
    if fees:
        items.append(
            ChecklistItem(
                _("Pay the fees"),
                all(p == FeeLine.Payment.PAID for p in fees),
                organization.urls.fees,
            )
        )
    return items


def _doc_url(organization: Organization, row: DocumentRow) -> str:
    return f"{organization.urls.documents}{row.requirement.pk}/"


class ExhibitorStatus:
    """One approved exhibitor as the team's export shows it (plain attributes)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def exhibitor_status() -> list[ExhibitorStatus]:
    """Every approved exhibitor with stands, staff, documents and payment: a fixed number of
    queries however many."""
    from collections import defaultdict

    from django.db.models import Count, Sum
    from django.utils.translation import gettext as _

    from .services import staff_allowance

    applications = list(
        Application.objects.approved().select_related("organization").order_by("pk")
    )
    by_org: dict[int, list[Application]] = defaultdict(list)
    organizations = {}
    for application in applications:
        by_org[application.organization_id].append(application)
        organizations[application.organization_id] = application.organization
    stands = defaultdict(list)
    for organization_id, hall, code in (
        Booth.objects.filter(application__in=applications)
        .order_by("hall__position", "code")
        .values_list("application__organization_id", "hall__name", "code")
    ):
        stands[organization_id].append(f"{hall} {code}")
    staff = dict(
        Membership.objects.filter(organization__in=organizations)
        .values("organization")
        .annotate(n=Count("pk"))
        .values_list("organization", "n")
        .order_by()
    )
    requirements = list(Requirement.objects.all())
    accepted = defaultdict(int)
    for organization_id in Document.objects.filter(
        organization__in=organizations, status=Document.Status.ACCEPTED
    ).values_list("organization_id", flat=True):
        accepted[organization_id] += 1
    fees = defaultdict(lambda: [0, 0])
    for organization_id, payment, amount in (
        FeeLine.objects.filter(organization__in=organizations)
        .values("organization", "payment")
        .annotate(total=Sum("amount"))
        .values_list("organization", "payment", "total")
        .order_by()
    ):
        fees[organization_id][payment == FeeLine.Payment.PAID] += amount or 0
    with_fapiao = set(
        Fapiao.objects.filter(organization__in=organizations).values_list(
            "organization_id", flat=True
        )
    )
    rows = []
    for organization_id, organization in sorted(
        organizations.items(), key=lambda kv: (kv[1].name_en or "", kv[0])
    ):
        own = by_org[organization_id]
        asked = sum(1 for r in requirements if any(r.applies_to(a) for a in own))
        unpaid, paid = fees[organization_id]
        payment = "—" if not (unpaid or paid) else _("paid") if not unpaid else _("unpaid")
        rows.append(
            ExhibitorStatus(
                name=organization.name,
                credit_code=organization.credit_code or organization.registration_number,
                stands=", ".join(stands[organization_id]),
                area=sum(a.area_m2 for a in own),
                staff=staff.get(organization_id, 0),
                allowance=staff_allowance(organization, [(a.booth_type, a.area_m2) for a in own]),
                documents=f"{accepted[organization_id]}/{asked}",
                fees=f"{unpaid + paid:.2f}",
                payment=payment,
                fapiao=_("given") if organization_id in with_fapiao else "—",
            )
        )
    return rows
