"""README's "Try these journeys", walked over HTTP against a live server right after seed_demo.

The demo is live (replayed from today): a newcomer can apply to exhibit, register and reserve a
seat, and the door can check a badge in, without editing a date in the admin first.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.demo import DEMO_PASSWORD, TZ
from delegates.models import Registration
from exhibitors.models import Application, ExhibitionSection, Organization
from tests.delegates.conftest import pdf_qr_codes
from tests.http_visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

EXHIBITOR = "exhibitor00001@demo.zgcforum.example"
VISITOR = "visitor00001@demo.zgcforum.example"


def confirmation(page):
    """The confirmation page's form (it posts the action again with ``confirm=1``)."""
    return next(form for form in page.forms() if ("confirm", "1") in form.fields)


def test_the_readme_journeys_over_http(live_server, roles):
    call_command("seed_demo", "--anchor", timezone.localdate(timezone=TZ).isoformat(), verbosity=0)
    base = live_server.url

    # 1. Apply to exhibit: the exhibitor's portal, a draft, submitted; the organizer approves.
    exhibitor = Visitor(base)
    portal = exhibitor.log_in(EXHIBITOR, DEMO_PASSWORD)
    assert portal.url == f"{base}/exhibitors/portal/"
    organization = Organization.objects.get(main_contact__email=EXHIBITOR)
    page = exhibitor.get(organization.urls.portal)
    (apply,) = page.links(r"/exhibitors/portal/[^\"]+/applications/new/")
    page = exhibitor.get(apply)
    form = page.form("Save the draft")
    taken = set(organization.applications.values_list("section_id", flat=True))
    section = ExhibitionSection.objects.exclude(pk__in=taken).order_by("position").first()
    page = exhibitor.submit(
        form,
        section=section.pk,
        booth_type="standard",
        area_m2=18,
        exhibit_field=form.selects["exhibit_field"][-1],
        exhibits="智能冰雪运动装备 / Smart winter sports equipment",
        declares_accuracy=True,
        accepts_rules=True,
        declares_safety=True,
    )
    assert "Your draft is saved" in page.body, page.body[:3000]
    page = exhibitor.submit(page.form("Submit for review"))
    application = Application.objects.get(organization=organization, section=section)
    assert application.status == Application.Status.SUBMITTED

    organizer = Visitor(base)
    admin = organizer.log_in("organizer@zgcforum.example", DEMO_PASSWORD)
    assert admin.url == f"{base}/admin/"
    changelist = organizer.get("/admin/exhibitors/application/?status__exact=submitted")
    page = organizer.submit(
        changelist.form(action="", containing="Action"),
        action="approve_selected",
        _selected_action=[application.pk],
    )
    assert "To whom: 1 row" in page.body, page.body[:2000]
    page = organizer.submit(confirmation(page))
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED, page.body[:2000]
    assert application.get_status_display() in exhibitor.get(application.urls.portal).body

    # 2. Register as a delegate, approved by the desk, then reserve a seat.
    delegate = Visitor(base)
    delegate.log_in(VISITOR, DEMO_PASSWORD)
    page = delegate.get("/delegates/register/")
    form = page.form("Invitation code")
    page = delegate.submit(
        form,
        category=form.selects["category"][1],
        name="Lin Hua",
        organization="Tsinghua University",
        country="CN",
        accepts_terms=True,
    )
    registration = Registration.objects.filter(user__email=VISITOR).first()
    assert registration is not None, (
        [k for k, _v in form.fields][5:],
        form.checkboxes,
        re.findall(r'id="error_\d+_id_(\w+)"', page.body),
    )
    assert registration.status == Registration.Status.PENDING, page.body[:3000]
    desk = Visitor(base)
    desk.log_in("desk1@zgcforum.example", DEMO_PASSWORD)
    changelist = desk.get("/admin/delegates/registration/?status__exact=pending")
    page = desk.submit(
        changelist.form(action="", containing="Action"),
        action="approve_selected",
        _selected_action=[registration.pk],
    )
    desk.submit(confirmation(page))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    schedule = delegate.get("/schedule/")
    sessions = set(re.findall(r'href="/sessions/([-\w]+)/"', schedule.body))
    page = next(
        page
        for code in sorted(sessions)
        if "Reserve a seat" in (page := delegate.get(f"/sessions/{code}/")).body
    )
    page = delegate.submit(page.form("Reserve a seat"))
    assert "is confirmed" in page.body or "on the waitlist" in page.body
    assert page.url.startswith(f"{base}/sessions/")  # back on the session, its new state shown
    assert "Seat confirmed" in page.body or "Waitlist: number" in page.body
    agenda = delegate.get("/delegates/agenda/")
    assert "Seat confirmed" in agenda.body or "Waitlist: number" in agenda.body

    # 3. The door checks the new delegate's badge in (the QR code of the badge PDF).
    badge = delegate.get("/delegates/me/badge.pdf")
    assert badge.status == 200
    (token,) = pdf_qr_codes(badge.content)
    door = Visitor(base)
    page = door.log_in("door@zgcforum.example", DEMO_PASSWORD)
    page = door.get("/delegates/desk/")
    page = door.submit(page.form("Check in"), token=token)
    assert "Welcome — checked in" in page.body
