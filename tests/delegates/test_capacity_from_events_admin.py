"""A capacity raised in the programme admin fills seats from the waitlist at the release."""

import pytest

from delegates import services
from delegates.models import RSVP
from events import services as schedule
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.events.test_admin import session_form
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_raising_capacity_in_the_events_admin_confirms_the_waitlisted_and_mails_them(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    session = rsvp_session(1, title_en="Quantum computing roundtable")
    holder = approved_delegate(email="holder@example.org")
    waiting = approved_delegate(email="waiting@example.org")
    services.reserve_seat(session, user=holder)
    rsvp = services.reserve_seat(session, user=waiting).rsvp
    assert rsvp.status == RSVP.Status.WAITLISTED
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = session_form(
        session,
        capacity=2,
        rsvp_required="on",
        rsvp_closes_at_0="2099-01-01",
        rsvp_closes_at_1="00:00:00",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/events/session/{session.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.WAITLISTED  # the working programme only
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.release_schedule(session.event.forum)
    rsvp.refresh_from_db()
    assert rsvp.status == RSVP.Status.CONFIRMED and rsvp.promoted_at is not None
    assert [m.to for m in mailoutbox] == [["waiting@example.org"]]
    assert "Quantum computing roundtable" in mailoutbox[0].subject
