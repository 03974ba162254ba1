"""Sessions (``accounts.sessions``): a logged-in visitor stays logged in from request to
request; an expired or unknown session is nobody's, and its key is not reused."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.sessions import SessionStore
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_logged_in_user_stays_logged_in(client):
    user = UserFactory(name="Lin Wei")
    client.force_login(user)
    page = client.get("/accounts/profile/")
    assert page.status_code == 200 and "Lin Wei" in page.content.decode()


def test_an_expired_session_is_nobodys(client):
    client.force_login(UserFactory())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    page = client.get("/accounts/profile/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_data_is_read_back_and_an_unknown_key_forgotten():
    store = SessionStore()
    store["seen"] = [1, "二"]
    store.save()
    assert SessionStore(store.session_key).load() == {"seen": [1, "二"]}
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
