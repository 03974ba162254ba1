"""Whole public pages kept for visitors without a session (core/page_cache.py).

A stored page is served without a query; every kind of change a page shows makes it stale at
once; nobody with a session, and no request the view does not know, ever gets or makes one.
"""

import gzip
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from core import page_cache
from core.page_cache import public_page
from events import services as events_services
from exhibitors import services as exhibitors_services
from exhibitors.models import Application
from tests.delegates.agenda_support import approved_delegate
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
    at,
)
from tests.factories.exhibitors import ApplicationFactory
from tests.factories.exhibitors import SectionFactory as ExhibitionSectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def session(db):
    forum = ForumFactory()
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum), slug="opening")
    speaker = SpeakerFactory(name="Ada Example")
    return SessionFactory(
        event=event,
        code="opening-1",
        title_en="Opening remarks",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        speakers=[speaker],
    )


def day_url(session):
    return f"/schedule/?day={session.starts_at.date().isoformat()}"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def stored_twice(client, url, django_assert_num_queries):
    """The first GET renders and stores; the second is served whole, without a query."""
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    return second


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/schedule/?day=2021-09-24",
        "/zh-hans/schedule/?day=2021-09-24",
        "/schedule/grid/?day=2021-09-24",
        "/events/opening/",
        "/sessions/opening-1/",
        "/speakers/",
        "/schedule.ics",
        "/api/schedule.json",
        "/exhibitors/",
    ],
)
def test_public_pages_are_served_whole_without_a_query(
    client, session, url, django_assert_num_queries
):
    response = stored_twice(client, url, django_assert_num_queries)
    assert "Content-Security-Policy" in response  # headers of the middleware it skipped
    assert not response.cookies


def test_languages_are_stored_apart(client, session, django_assert_num_queries):
    english = stored_twice(client, "/schedule/?day=2021-09-24", django_assert_num_queries)
    chinese = stored_twice(client, "/zh-hans/schedule/?day=2021-09-24", django_assert_num_queries)
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in chinese.content.decode()


def test_stored_export_still_answers_304_to_its_etag(client, session):
    etag = client.get("/api/schedule.json")["ETag"]
    response = client.get("/api/schedule.json", headers={"if-none-match": etag})
    assert response.status_code == 304


GZIP = {"accept-encoding": "gzip, deflate, br"}  # what a browser sends


@pytest.fixture
def programme(session):
    """A day of sessions: exports of a few kilobytes, worth compressing."""
    for hour in range(10, 20):
        SessionFactory(event=session.event, starts_at=at(0, hour), ends_at=at(0, hour + 1))
    return session


@pytest.mark.parametrize(
    "url", ["/schedule/?day=2021-09-24", "/schedule.ics", "/api/schedule.json"]
)
def test_a_stored_text_page_leaves_gzipped_for_a_client_that_accepts_it(
    client, programme, url, django_assert_num_queries
):
    plain = client.get(url)  # rendered and stored
    assert "Content-Encoding" not in plain
    with django_assert_num_queries(0):
        zipped = client.get(url, headers=GZIP)
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    assert int(zipped["Content-Length"]) == len(zipped.content)
    assert zipped["Content-Type"] == plain["Content-Type"]
    assert "Accept-Encoding" in zipped["Vary"]
    again = client.get(url)  # a client without gzip still gets plain bytes
    assert "Content-Encoding" not in again
    assert again.content == plain.content
    assert "Accept-Encoding" in again["Vary"]  # so a shared cache keeps the two apart


def test_the_first_visitor_accepting_gzip_gets_it_too(client, programme):
    first = client.get("/api/schedule.json", headers=GZIP)
    assert first["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == client.get("/api/schedule.json").content


def test_a_gzipped_export_answers_304_to_either_etag(client, programme):
    plain_etag = client.get("/api/schedule.json")["ETag"]
    zipped_etag = client.get("/api/schedule.json", headers=GZIP)["ETag"]
    assert zipped_etag == "W/" + plain_etag  # another encoding: a weak validator
    for etag in (plain_etag, zipped_etag):
        response = client.get("/api/schedule.json", headers={**GZIP, "if-none-match": etag})
        assert response.status_code == 304


def test_a_page_not_stored_is_never_gzipped(client, session):
    client.force_login(UserFactory())
    response = client.get(day_url(session), headers=GZIP)
    assert "Content-Encoding" not in response
    assert b"<html" in response.content


def test_a_released_session_change_shows_at_once(client, session):
    client.get(day_url(session))
    client.get(session.urls.public)
    events_services.update_session(session, title_en="Opening address")  # as a release applies it
    assert "Opening address" in client.get(day_url(session)).content.decode()
    assert "Opening address" in client.get(session.urls.public).content.decode()


def test_a_speaker_edit_shows_at_once(client, session):
    speaker = session.speakers.get()
    assert "Ada Example" in client.get(speaker.urls.public).content.decode()
    speaker.name = "Ada Renamed"
    speaker.save()  # as the admin saves it: the signal bumps the version
    assert "Ada Renamed" in client.get(speaker.urls.public).content.decode()
    assert "Ada Renamed" in client.get(session.urls.public).content.decode()


def test_a_release_shows_in_the_changelog_at_once(client, session):
    url = session.event.forum.urls.changelog
    assert "not been released yet" in client.get(url).content.decode()
    events_services.release_schedule(session.event.forum, comment="First programme")
    page = client.get(url).content.decode()
    assert "Version 1" in page
    assert "First programme" in page


def test_an_approval_shows_in_the_directory_at_once(client, db):
    section = ExhibitionSectionFactory()
    application = ApplicationFactory(section=section, status=Application.Status.SUBMITTED)
    name = application.organization.name_en
    assert name not in client.get("/exhibitors/").content.decode()
    organizer = UserFactory(is_staff=True, is_superuser=True)
    exhibitors_services.approve_application(application, by=organizer)
    assert name in client.get("/exhibitors/").content.decode()


def test_a_lost_version_makes_every_stored_page_stale(client, session, django_assert_num_queries):
    stored_twice(client, session.urls.public, django_assert_num_queries)
    cache.delete(page_cache.VERSION_KEY)  # evicted, or Redis restarted with its data
    session.__class__.objects.filter(pk=session.pk).update(title_en="Changed behind its back")
    assert "Changed behind its back" in client.get(session.urls.public).content.decode()


def test_a_migrate_makes_every_stored_page_stale(client, session, django_assert_num_queries):
    """Every deploy migrates: pages the old code rendered are not served by the new."""
    stored_twice(client, session.urls.public, django_assert_num_queries)
    call_command("migrate", verbosity=0)
    assert queries(client, session.urls.public) > 0


def test_a_logged_in_delegate_never_gets_the_visitors_page(client, session):
    client.get(session.urls.public)  # a visitor's copy is stored
    client.force_login(approved_delegate())
    page = client.get(session.urls.public).content.decode()
    assert "Add to my agenda" in page
    assert "Log in to add to your agenda" not in page


def test_a_logged_in_page_is_never_stored(client, session):
    delegate = UserFactory(name="Delegate Zhang")
    client.force_login(delegate)
    assert "Delegate Zhang" in client.get(session.urls.public).content.decode()
    client.logout()
    assert "Delegate Zhang" not in client.get(session.urls.public).content.decode()


def test_a_visitor_with_a_message_gets_a_fresh_page(client, session, django_assert_num_queries):
    stored_twice(client, session.urls.public, django_assert_num_queries)
    client.cookies["messages"] = "anything"
    assert queries(client, session.urls.public) > 0


def test_unknown_parameters_mint_no_entry(client, session):
    url = session.urls.public + "?utm_source=x"
    client.get(url)
    assert queries(client, url) > 0


@public_page()
def form_view(request):
    """A public view that (wrongly) renders a CSRF token: what it renders is someone's own."""
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


class SlowPage:
    """A public view that takes until ``finish`` is set, answering ``status`` (calls counted)."""

    def __init__(self):
        self.calls = 0
        self.rendering = threading.Event()
        self.finish = threading.Event()
        self.status = 200

    def __call__(self, request):
        self.calls += 1
        self.rendering.set()
        self.finish.wait(10)
        return HttpResponse("<p>A large export.</p>" * 200, status=self.status)


slow_page = SlowPage()

urlpatterns = [path("form/", form_view), path("slow/", public_page()(slow_page))]


@pytest.mark.urls(__name__)
def test_a_page_holding_a_csrf_token_is_never_stored(client):
    first = client.get("/form/").content
    client.cookies.clear()
    second = client.get("/form/").content
    assert b"csrfmiddlewaretoken" in second
    assert second != first  # each visitor gets a token of their own


def test_with_the_setting_off_every_page_is_rendered(client, session, settings):
    settings.PUBLIC_PAGE_CACHE = False
    client.get(session.urls.public)
    # Changed without any signal: only a page rendered anew can show it.
    session.__class__.objects.filter(pk=session.pk).update(title_en="Fresh without the cache")
    assert "Fresh without the cache" in client.get(session.urls.public).content.decode()


def test_without_copies_in_the_process_pages_come_from_the_shared_cache(
    client, session, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_LOCAL_BYTES = 0  # nothing kept in the process
    stored_twice(client, session.urls.public, django_assert_num_queries)
    events_services.update_session(session, title_en="Opening address")
    assert "Opening address" in client.get(session.urls.public).content.decode()


def test_a_copy_in_another_process_is_not_served_after_a_change(client, session):
    """Two clients are two handlers, each with its own middleware: two processes of gunicorn."""
    other = Client()
    client.get(session.urls.public)
    other.get(session.urls.public)  # both hold a copy now
    events_services.update_session(session, title_en="Opening address")
    assert "Opening address" in other.get(session.urls.public).content.decode()
    assert "Opening address" in client.get(session.urls.public).content.decode()


def visitors_at_once(n: int, url: str) -> tuple[list, list[threading.Thread]]:
    """The first visitor starts rendering; n - 1 more arrive while it does."""
    responses = []

    def visit():
        responses.append(Client().get(url))

    first = threading.Thread(target=visit)
    first.start()
    assert slow_page.rendering.wait(10)
    others = [threading.Thread(target=visit) for _ in range(n - 1)]
    for thread in others:
        thread.start()
    time.sleep(0.3)  # they find the page being rendered, and wait
    slow_page.finish.set()
    threads = [first, *others]
    for thread in threads:
        thread.join(timeout=10)
    return responses, threads


@pytest.fixture
def slow(monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 30)
    slow_page.__init__()
    cache.set(page_cache.VERSION_KEY, 1)
    return slow_page


@pytest.mark.urls(__name__)
def test_visitors_of_a_page_being_rendered_wait_for_that_render(slow):
    responses, threads = visitors_at_once(4, "/slow/")
    assert slow.calls == 1
    assert [r.status_code for r in responses] == [200] * 4
    assert len({r.content for r in responses}) == 1


@pytest.mark.urls(__name__)
def test_when_that_render_is_not_stored_the_waiting_visitors_render_at_once(slow):
    slow.status = 503  # e.g. the database went away: nothing stored, nothing to wait for
    responses, threads = visitors_at_once(3, "/slow/")
    assert not any(thread.is_alive() for thread in threads)  # not left waiting for 30 s
    assert slow.calls == 3
    assert [r.status_code for r in responses] == [503] * 3
