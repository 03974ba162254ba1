"""The cache's key space is bounded by what the forum holds, not by what visitors type.

An unknown day or a page beyond the last answers with a redirect to the canonical URL; a
free-text search and unknown filter values are rendered but never kept, whole or as fragments.
So ``?page=999999``, ``?day=junk`` and a thousand searches add nothing to the cache.
"""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client

from exhibitors.models import Application
from tests.factories.events import EventFactory, ForumFactory, SectionFactory, SessionFactory, at
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def forum(db):
    forum = ForumFactory()
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum), slug="opening")
    SessionFactory(event=event, code="opening-1", starts_at=at(0, 9), ends_at=at(0, 10))
    organization = OrganizationFactory(is_published=True)
    ApplicationFactory(organization=organization, status=Application.Status.APPROVED)
    return forum


def keys() -> set[str]:
    return set(cache._cache)  # the local-memory cache of the test settings


def warm(client, *paths):
    for path in paths:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/schedule/?page=999999", "/schedule/"),
        ("/schedule/?page=0", "/schedule/"),
        ("/schedule/?page=abc", "/schedule/"),
        ("/schedule/?day=junk", "/schedule/"),
        ("/schedule/?day=1999-01-01&section=x", "/schedule/?section=x"),
        ("/schedule/grid/?day=junk", "/schedule/grid/"),
        ("/speakers/?page=999999", "/speakers/"),
        ("/exhibitors/?page=999999", "/exhibitors/"),
        ("/exhibitors/?page=-1&letter=B", "/exhibitors/?letter=B"),
    ],
)
def test_an_unknown_day_or_page_redirects_to_the_canonical_url(forum, path, canonical):
    client = Client()
    before = keys()
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, canonical)
    assert keys() == before


def test_a_thousand_searches_add_no_cache_entry(forum):
    client = Client()
    warm(client, "/schedule/", "/exhibitors/", "/schedule/?q=warm", "/exhibitors/?q=warm")
    before = keys()
    for n in range(500):
        assert client.get("/schedule/", {"q": f"carbon {n}"}).status_code == 200
        assert client.get("/exhibitors/", {"q": f"quantum {n}"}).status_code == 200
    assert keys() == before


def test_unknown_filter_values_add_no_cache_entry(forum):
    client = Client()
    warm(client, "/schedule/", "/exhibitors/")
    before = keys()
    for n in range(50):
        for path, params in [
            ("/schedule/", {"section": f"nope-{n}"}),
            ("/schedule/", {"room": str(10**6 + n)}),
            ("/exhibitors/", {"section": f"nope-{n}"}),
            ("/exhibitors/", {"country": f"Q{n}"}),
            ("/exhibitors/", {"letter": chr(0x4E00 + n)}),
        ]:
            assert client.get(path, params).status_code == 200, (path, params)
    assert keys() == before


def test_known_pages_and_filters_are_still_kept(forum):
    """The bound must not turn the cache off: a known filter is stored, then served from it."""
    client = Client()
    section = forum.sections.first().slug
    before = keys()
    warm(client, f"/schedule/?section={section}", "/exhibitors/?letter=B")
    stored = keys() - before
    assert len(stored) >= 4  # a whole page and a fragment for each
    warm(client, f"/schedule/?section={section}", "/exhibitors/?letter=B")
    assert keys() - before == stored


def settings_under(**env) -> dict:
    """The cache and broker settings a process started with this environment reads."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default'].get('LOCATION'), "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'pages': s.PUBLIC_PAGE_CACHE}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "zgcforum.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cache_and_the_broker_use_different_redis_databases():
    assert settings_under(REDIS_URL="redis://127.0.0.1:6379/3") == {
        "broker": "redis://127.0.0.1:6379/3",
        "cache": "redis://127.0.0.1:6379/4",
        "eager": False,
        "pages": True,
    }
    assert settings_under(REDIS_URL="redis://127.0.0.1:6379")["cache"] == "redis://127.0.0.1:6379/1"
    apart = settings_under(
        CELERY_BROKER_URL="redis://broker:6379/0", CACHE_URL="redis://cache:6379/0"
    )
    assert (apart["broker"], apart["cache"]) == ("redis://broker:6379/0", "redis://cache:6379/0")
    assert settings_under() == {"broker": "memory://", "cache": None, "eager": True, "pages": False}
