import pytest

from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.smtp import SMTPSink


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server; Django's SMTP backend points at it for the test."""
    sink = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


@pytest.fixture
def roles(db):
    """The declared groups (a transactional flush wipes those made on post_migrate)."""
    from accounts.roles import ensure_roles

    return ensure_roles()


@pytest.fixture
def demo_forum(db):
    """The demo forum at scale 1, as ``make run`` loads it."""
    from django.core.management import call_command

    call_command("seed_demo", "--as-held", verbosity=0)
    from events.models import Forum

    return Forum.objects.get(edition=2021)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from core import page_cache

    cache.clear()
    page_cache.shells.clear()  # the process's copies of shells, as a new process starts
    yield


@pytest.fixture
def page_cache_on(settings):
    """Whole public pages and logged-in viewers' shells kept in the cache, as in production
    (the test's own local-memory cache, emptied before each test)."""
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in Chinese must not leak into the next reverse()."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
