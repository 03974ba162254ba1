"""Lockouts behind a reverse proxy: django-ipware finds each client, and only when told to."""

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory

PASSWORD = "a-long-demo-password"
PROXY = "10.0.0.2"  # the reverse proxy's address: every request arrives from it


def login(client, password, *, forwarded_for=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("accounts:login"),
        {"username": "target@example.org", "password": password},
        **extra,
    )


def lock_out(client, forwarded_for):
    answers = [login(client, "wrong", forwarded_for=forwarded_for).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert login(client, PASSWORD, forwarded_for=forwarded_for).status_code == 429


def proxy_settings(settings, *, proxy_count):
    """What zgcforum/settings.py derives from PROXY_COUNT (tests/foundation checks that part)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = proxy_count - 1
    settings.IPWARE_STRICT = False


@pytest.mark.django_db
def test_behind_one_proxy_two_clients_are_locked_out_separately(client, settings):
    proxy_settings(settings, proxy_count=1)
    UserFactory(email="target@example.org")
    lock_out(client, "203.0.113.5")
    # Another person at another address, through the same proxy, still logs in to the account.
    assert login(client, PASSWORD, forwarded_for="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_behind_one_proxy_an_address_written_by_the_client_is_ignored(client, settings):
    proxy_settings(settings, proxy_count=1)
    UserFactory(email="target@example.org")
    # nginx appends the address it saw: whatever the client put in front does not count.
    lock_out(client, "198.51.100.7, 203.0.113.5")
    assert login(client, PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    assert login(client, PASSWORD, forwarded_for="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_setting_x_forwarded_for_is_ignored(client, settings):
    assert settings.PROXY_COUNT == 0 and not settings.TRUSTED_PROXIES
    UserFactory(email="target@example.org")
    lock_out(client, "203.0.113.5")
    # The header is not believed: both come from the socket's address, which is locked.
    assert login(client, PASSWORD, forwarded_for="198.51.100.7").status_code == 429
