"""The check-in desk: one check-in per scope, every scan recorded, refusals with their reason."""

import itertools
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from delegates import services
from delegates.badges import token_for
from delegates.models import CheckIn, Scan
from tests.delegates.conftest import approved_registration
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import EventFactory, SessionFactory
from tests.foundation.test_pages import parameterless_names
from tests.queries import assert_queries_do_not_grow
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def scan(client, token, url=None):
    return client.post(url or reverse("delegates:desk"), {"token": token}).content.decode()


def token_of(registration):
    return token_for(services.badge_for(registration))


def test_unapproved_and_unknown_badges_are_refused(client, desk_user):
    pending = RegistrationFactory(status="pending", name="Not Yet")
    badge = services.Badge.objects.create(registration=pending)  # printed before a change
    client.force_login(desk_user)
    page = scan(client, token_for(badge))
    assert "Registration not approved" in page and "The registration is pending." in page
    page = scan(client, "not-a-badge:forged")
    assert "Unknown badge" in page and "Not Yet" not in page
    assert not CheckIn.objects.exists()
    assert list(Scan.objects.values_list("result", flat=True).order_by("pk")) == [
        "unapproved",
        "unknown",
    ]
    assert Scan.objects.filter(scanned_by=desk_user).count() == 2


def test_event_and_session_desks_check_in_separately(client, desk_user):
    registration = approved_registration(name="Anna Schmidt")
    session = SessionFactory()
    token = token_of(registration)
    client.force_login(desk_user)
    assert "Welcome — checked in" in scan(client, token)
    assert "Welcome — checked in" in scan(
        client, token, reverse("delegates:desk_event", args=[session.event.pk])
    )
    session_desk = reverse("delegates:desk_session", args=[session.code])
    assert "Welcome — checked in" in scan(client, token, session_desk)
    assert "Already checked in" in scan(client, token, session_desk)
    scopes = set(CheckIn.objects.values_list("event_id", "session_id"))
    assert scopes == {(None, None), (session.event.pk, None), (session.event.pk, session.pk)}
    scan_row = Scan.objects.filter(session=session).first()
    assert (scan_row.event_id, scan_row.scanned_by_id) == (session.event.pk, desk_user.pk)


def test_invitation_only_and_wrong_event_are_refused(client, desk_user):
    closed = EventFactory(title_en="Closed Door Summit", is_public=False)
    open_event = EventFactory(title_en="Open Forum")
    guests = CategoryFactory(slug="vip", name_en="VIP guest", name_zh_hans="贵宾")
    guests.events.set([closed])
    vip = approved_registration(category=guests, name="Very Important")
    delegate = approved_registration(name="Ordinary Delegate")
    client.force_login(desk_user)
    closed_desk = reverse("delegates:desk_event", args=[closed.pk])
    page = scan(client, token_of(delegate), closed_desk)
    assert "Invitation only" in page and "Closed Door Summit is by invitation only." in page
    assert "Welcome — checked in" in scan(client, token_of(vip), closed_desk)
    page = scan(client, token_of(vip), reverse("delegates:desk_event", args=[open_event.pk]))
    assert "Not admitted to this event" in page
    assert "The category VIP guest is not admitted to Open Forum." in page
    assert "Welcome — checked in" in scan(
        client, token_of(delegate), reverse("delegates:desk_event", args=[open_event.pk])
    )


def test_desk_shows_photo_to_the_desk_only(client, desk_user, delegate_with_photo):
    registration = delegate_with_photo("With Photo")
    photo = reverse("delegates:desk_photo", args=[registration.pk])
    client.force_login(desk_user)
    assert photo in scan(client, token_of(registration))
    assert client.get(photo).status_code == 200
    client.force_login(UserFactory())
    assert client.get(photo).status_code == 403


def test_desk_opens_only_photos_of_people_it_scanned(client, desk_user, delegate_with_photo):
    people = [delegate_with_photo(name) for name in ["Scanned Person", "Never Scanned"]]
    client.force_login(desk_user)
    scan(client, token_of(people[0]))
    assert client.get(reverse("delegates:desk_photo", args=[people[0].pk])).status_code == 200
    assert client.get(reverse("delegates:desk_photo", args=[people[1].pk])).status_code == 404


def test_empty_scan_is_a_form_error(client, desk_user):
    client.force_login(desk_user)
    response = client.post(reverse("delegates:desk"), {"token": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Scan.objects.exists()


def test_check_in_role_reaches_only_the_desk(client, desk_user, demo_forum):
    """URL sweep: the role opens nothing a person without any role cannot, except the desk."""
    plain = UserFactory(email="plain@example.org")
    reached = set()
    for name in sorted(set(parameterless_names())):
        if name == "healthz":
            continue
        path = reverse(name)
        client.force_login(plain)
        without_role = client.get(path).status_code
        client.force_login(desk_user)
        if client.get(path).status_code == 200 and without_role != 200:
            reached.add(name)
    assert reached == {"delegates:desk"}
    client.force_login(desk_user)
    registration = approved_registration()
    badge = services.badge_for(registration)
    for path in [
        reverse("admin:index"),
        reverse("admin:delegates_registration_changelist"),
        reverse("admin:delegates_checkin_changelist"),
        reverse("admin:delegates_badge_pdf", args=[badge.pk]),
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path
    for path in [
        reverse("delegates:statistics"),
        reverse("delegates:statistics_csv", args=["countries"]),
    ]:
        assert client.get(path).status_code == 403, path


def test_desk_needs_the_role(client):
    assert client.get(reverse("delegates:desk")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("delegates:desk")).status_code == 403
    assert client.post(reverse("delegates:desk"), {"token": "x"}).status_code == 403


# Each desk request: login session, user, its permissions and groups (the desk role).
DESK_QUERIES = 7  # + the forum, its events, their sessions (the desks to choose from)
# + in a savepoint: badge, registration, check-in?, the check-in in its own savepoint, the scan
FIRST_SCAN_QUERIES = 13
REPEATED_SCAN_QUERIES = 10  # + in a savepoint: badge, registration, check-in found, the scan


def test_desk_queries_do_not_grow(client, desk_user):
    client.force_login(desk_user)
    people = itertools.count()
    at_the_door = []  # badges not scanned yet, the newest last

    def people_arrive(n):
        """n approved people and n sessions; all but the last person checked in at the door."""
        tokens = [token_of(approved_registration(name=f"Person {next(people)}")) for _ in range(n)]
        for _i in range(n):
            SessionFactory()
        for token in tokens[:-1]:
            scan(client, token)
        at_the_door.append(tokens[-1])

    def the_last_too(n):
        people_arrive(n)
        scan(client, at_the_door[-1])

    desk = assert_queries_do_not_grow(
        lambda: client.get(reverse("delegates:desk")), people_arrive, budget=DESK_QUERIES, n=1
    )
    assert [response.status_code for response in desk] == [200, 200]
    first_scans = assert_queries_do_not_grow(
        lambda: scan(client, at_the_door.pop()), people_arrive, budget=FIRST_SCAN_QUERIES, n=1
    )
    assert all("Welcome — checked in" in page for page in first_scans)
    repeated_scans = assert_queries_do_not_grow(
        lambda: scan(client, at_the_door[-1]), the_last_too, budget=REPEATED_SCAN_QUERIES, n=1
    )
    assert all("Already checked in" in page for page in repeated_scans)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_scanning_one_badge_at_once_record_one_check_in(roles):
    require_postgres()
    from django.contrib.auth.models import Group

    from delegates.roles import CHECKIN_DESK

    desks = UserFactory.create_batch(8)
    for desk in desks:
        desk.groups.add(Group.objects.get(name=CHECKIN_DESK))
    token = token_of(approved_registration(name="Raced Person"))
    barrier = threading.Barrier(len(desks))
    results, errors = [], []

    def desk_scans(user):
        try:
            barrier.wait()
            results.append(services.scan_badge(token, by=user).scan.result)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=desk_scans, args=(d,)) for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == ["accepted"] + ["duplicate"] * (len(desks) - 1)
    assert CheckIn.objects.count() == 1
    assert Scan.objects.count() == len(desks)


def test_the_data_export_lists_badges_and_check_ins(client, desk_user):
    import json

    registration = approved_registration(name="Exported Person")
    session = SessionFactory(title_en="Quantum Panel")
    services.scan_badge(token_of(registration), by=desk_user, session=session)
    client.force_login(registration.user)
    data = json.loads(client.get(reverse("delegates:export")).content)
    assert len(data["badges"]) == 1 and data["badges"][0]["revoked_at"] is None
    assert [c["session"] for c in data["check_ins"]] == ["Quantum Panel"]
    assert "token" not in json.dumps(data)


def test_scope_picker_leads_to_the_chosen_desk(client, desk_user):
    session = SessionFactory()
    client.force_login(desk_user)
    page = client.get(reverse("delegates:desk")).content.decode()
    assert f'value="session:{session.code}"' in page
    picker = reverse("delegates:desk_scope")
    cases = {
        f"session:{session.code}": reverse("delegates:desk_session", args=[session.code]),
        f"event:{session.event.pk}": reverse("delegates:desk_event", args=[session.event.pk]),
        "": reverse("delegates:desk"),
        "session:not a code/..": reverse("delegates:desk"),
        "event:x": reverse("delegates:desk"),
    }
    for scope, target in cases.items():
        response = client.get(picker, {"scope": scope})
        assert (response.status_code, response["Location"]) == (302, target), scope
    assert client.get(reverse("delegates:desk_session", args=["nope"])).status_code == 404
    page = client.get(reverse("delegates:desk_session", args=[session.code])).content.decode()
    assert f"Session: {session.title}" in page


def test_anonymised_person_badge_is_revoked(client, desk_user, organizer):
    registration = approved_registration(name="Leaving Person")
    token = token_of(registration)
    services.request_deletion(registration)
    services.confirm_deletion(registration, by=organizer)
    badge = services.Badge.objects.get(registration=registration)
    assert badge.revoke_reason == "withdrawn" and badge.revoked_at is not None
    client.force_login(desk_user)
    page = scan(client, token)
    assert "Unknown badge" in page and "Leaving Person" not in page


def test_scope_picker_groups_sessions_by_event_with_their_day(client, desk_user):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    beijing = ZoneInfo("Asia/Shanghai")
    late = SessionFactory(
        title_en="Late Panel", starts_at=datetime(2021, 9, 25, 14, 30, tzinfo=beijing)
    )
    early = SessionFactory(
        event=late.event,
        title_en="Early Keynote",
        starts_at=datetime(2021, 9, 24, 9, 0, tzinfo=beijing),
    )
    SessionFactory(event=late.event, title_en="Cancelled Talk", is_cancelled=True)
    other = SessionFactory(event=EventFactory(forum=late.event.forum, title_en=late.event.title))
    client.force_login(desk_user)
    page = client.get(reverse("delegates:desk")).content.decode()
    picker = page.split('id="desk-scope-select"', 1)[1].split("</select>", 1)[0]
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', picker, re.S)
    assert len(groups) == 2  # one per event, both titled alike but for their first day
    label, options = groups[0]
    assert label == f"09-24 · {late.event.title}"
    titles = re.findall(r'<option value="session:[^"]+">([^<]*)</option>', options)
    assert titles == ["09-24 09:00 · Early Keynote", "09-25 14:30 · Late Panel"]
    assert f'value="event:{late.event.pk}"' in options
    assert f'value="session:{other.code}"' in groups[1][1]
    # The filter box is for script only; the select, its label and button work without it.
    assert 'id="desk-scope-filter-box" hidden' in page
    assert (
        '<label class="form-label" for="desk-scope-filter">Find an event or session</label>' in page
    )
    assert '<label class="form-label" for="desk-scope-select">Desk for</label>' in page
    # Its help's example is a day and time the list holds: the first session's.
    assert "a day as month-day (09-24) or a time (09:00)" in page
    response = client.get(reverse("delegates:desk_scope"), {"scope": f"session:{early.code}"})
    assert response["Location"] == reverse("delegates:desk_session", args=[early.code])
    page = client.get(response["Location"]).content.decode()
    assert "Session: Early Keynote" in page
