"""No path of the admin deletes a released session: services.delete_session refuses it under the
session's lock, and the admin cancels it instead (the event's inline) or says why (delete)."""

import threading

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from events import services
from events.admin import SessionAdmin
from events.models import Session
from events.roles import PROGRAMME_TEAM
from tests.events.test_admin import event_form, inline_row, wait_for_a_lock_wait
from tests.factories.accounts import UserFactory
from tests.factories.events import SessionFactory
from tests.services import require_postgres

REFUSED = "was released: it is in delegates' agendas and calendars. Cancel it instead"


@pytest.fixture
def organizer(roles):
    user = UserFactory(is_staff=True)
    user.groups.set([Group.objects.get(name=PROGRAMME_TEAM)])
    return user


@pytest.mark.django_db
def test_the_service_refuses_to_delete_a_released_session(event, organizer):
    released = SessionFactory(event=event, title_en="Released talk", released_in=1)
    draft = SessionFactory(event=event, title_en="Draft talk")
    with pytest.raises(services.SessionReleased, match=REFUSED):
        services.delete_session(released, by=organizer)
    assert Session.objects.filter(pk=released.pk).exists()
    services.delete_session(draft, by=organizer)
    assert not Session.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_deleting_a_session_released_after_the_permission_check_is_refused_with_a_message(
    client, event, organizer, monkeypatch
):
    """The delete page was allowed (the session was not released yet); the release came first."""
    released = SessionFactory(event=event, title_en="Released talk", released_in=1)
    monkeypatch.setattr(SessionAdmin, "has_delete_permission", lambda self, request, obj=None: True)
    client.force_login(organizer)

    response = client.post(
        f"/admin/events/session/{released.pk}/delete/", {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/events/session/{released.pk}/change/"
    messages = [str(m) for m in response.context["messages"]]
    assert [m[: len(REFUSED) + 16] for m in messages] == ["“Released talk” " + REFUSED]
    assert Session.objects.filter(pk=released.pk).exists()
    assert not LogEntry.objects.filter(content_type__model="session").exists()


@pytest.mark.django_db
def test_deleting_selected_sessions_deletes_no_released_one(rf, event, organizer):
    released = SessionFactory(event=event, title_en="Released talk", released_in=1)
    draft = SessionFactory(event=event, title_en="Draft talk")
    request = rf.post("/admin/events/session/")
    request.user = organizer
    request._messages = CookieStorage(request)
    with pytest.raises(PermissionDenied):
        admin.site._registry[Session].delete_queryset(
            request, Session.objects.filter(pk__in=[draft.pk, released.pk])
        )
    assert Session.objects.filter(pk__in=[draft.pk, released.pk]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_session_released_during_the_event_save_is_cancelled_not_deleted(
    client, event, organizer, django_capture_on_commit_callbacks
):
    """The event page deletes a session nobody follows yet; the schedule is released (with it)
    while the save runs. The session is cancelled, not deleted, and the page says so."""
    require_postgres()
    session = SessionFactory(event=event, title_en="Soon released")
    client.force_login(organizer)
    data = event_form(event, [inline_row(session, DELETE="on")])
    released, commit = threading.Event(), threading.Event()

    def other_organiser():
        try:
            with transaction.atomic():  # holds the forum's and the sessions' rows until it commits
                services.release_schedule(event.forum, by=organizer)
                released.set()
                commit.wait(30)
        finally:
            connection.close()

    responses = []

    def this_organiser():
        try:
            responses.append(client.post(f"/admin/events/event/{event.pk}/change/", data))
        finally:
            connection.close()

    other = threading.Thread(target=other_organiser)
    other.start()
    assert released.wait(30)
    mine = threading.Thread(target=this_organiser)
    mine.start()  # reads the session as not released; its save waits for the release
    wait_for_a_lock_wait()
    commit.set()
    other.join(30)
    mine.join(30)

    (response,) = responses
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()  # still there
    assert session.released_in == 1 and not session.is_cancelled  # until the next release
    assert services.working_values(session)["is_cancelled"]
    messages = [str(m) for m in get_messages(client.get(response["Location"]).wsgi_request)]
    assert (
        "“Soon released” was already released: its cancellation is staged instead of a "
        "deletion, and the people following it are told at the release."
    ) in messages
