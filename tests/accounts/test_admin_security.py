"""The organizers' site: lockout, verified staff only, a TOTP second factor, idle sessions end,
and the admin's path from the environment."""

import importlib
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.urls import clear_url_caches, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SEEN_KEY
from exhibitors.roles import EXHIBITION_TEAM
from tests.factories.accounts import StaffFactory, UserFactory
from visa.roles import VISA_DESK

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-organizer-passphrase"
LOGIN = "/admin/login/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def second_factor(settings):
    settings.ADMIN_SECOND_FACTOR = True


def test_the_admin_login_locks_out_after_repeated_failures(client, settings):
    user = StaffFactory(password=PASSWORD)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(LOGIN, {"username": user.email, "password": "wrong"})
        # The form again, with its error; the last failure already locks.
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "too many" in text(locked).lower() or "locked" in text(locked).lower()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_unverified_staff_are_refused_with_a_clear_message(client):
    user = StaffFactory(password=PASSWORD, email_verified_at=None)
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Confirm your e-mail address before you sign in" in text(response)
    assert "_auth_user_id" not in client.session
    # Already signed in on the main site: the admin still refuses.
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
    chinese = client.post(
        "/zh-hans" + LOGIN, {"username": user.email, "password": PASSWORD}, follow=True
    )
    assert "请先确认您的电子邮件地址" in text(chinese)


def test_a_superuser_without_a_device_reaches_only_the_device_set_up(client, second_factor):
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    for url in (
        "/admin/",
        "/admin/events/event/",
        "/admin/recent-changes/",
        "/admin/accounts/user/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith("/admin/second-factor/"), url
        assert response.status_code == 200
    page = client.get("/admin/second-factor/")
    html = page.content.decode()
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "/admin/events/" not in html  # no list of models before the second factor
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    # A wrong code: a clear message, still not in.
    wrong = client.post(
        "/admin/second-factor/", {"token": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "That code is not right" in text(wrong)
    assert client.get("/admin/").status_code == 302
    # django-otp throttles after a failure (1 s, doubling): as if the user waited.
    device.refresh_from_db()
    device.throttle_reset()
    # The right code confirms the device and shows ten recovery codes once.
    confirmed = client.post("/admin/second-factor/", {"token": code_for(device), "next": "/admin/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", confirmed.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    # A new session: a recovery code works once.
    client.logout()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 302
    client.post("/admin/second-factor/", {"token": codes[0]})
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_the_visa_desk_needs_a_second_factor_the_exhibition_team_may_choose(
    client, roles, second_factor
):
    visa = StaffFactory()
    visa.groups.set([Group.objects.get(name=VISA_DESK)])
    client.force_login(visa)
    assert (
        client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/admin/second-factor/")
    )
    team = StaffFactory()
    team.groups.set([Group.objects.get(name=EXHIBITION_TEAM)])
    client.force_login(team)
    assert client.get("/admin/").status_code == 200
    # Once set up, it is asked for at every sign-in.
    TOTPDevice.objects.create(user=team, name="phone", confirmed=True)
    client.logout()
    client.force_login(team)
    assert client.get("/admin/").status_code == 302


def test_the_second_factor_is_off_unless_asked_for_in_development(client, settings):
    assert settings.ADMIN_SECOND_FACTOR is False  # DEBUG=1 in tests
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_the_second_factor_page_wants_signed_in_staff(client, second_factor):
    assert client.get("/admin/second-factor/")["Location"].startswith(LOGIN)
    client.force_login(UserFactory())
    assert client.get("/admin/second-factor/")["Location"].startswith(LOGIN)


def test_an_idle_staff_session_ends(client, settings):
    settings.STAFF_IDLE_TIMEOUT = 600
    client.force_login(StaffFactory())
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SEEN_KEY] = time.time() - 601
    session.save()
    assert client.get("/admin/")["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_admin_path_comes_from_the_environment(client, settings):
    import zgcforum.urls

    settings.ADMIN_URL = "organizers/"
    try:
        importlib.reload(zgcforum.urls)
        clear_url_caches()
        client.force_login(StaffFactory(is_superuser=True))
        assert reverse("admin:index") == "/organizers/"
        assert client.get("/organizers/").status_code == 200
        assert client.get("/admin/").status_code == 404
    finally:
        settings.ADMIN_URL = "admin/"
        importlib.reload(zgcforum.urls)
        clear_url_caches()


def test_the_second_factor_page_lets_one_log_out(client, second_factor):
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    html = client.get("/admin/second-factor/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="second-factor-logout">', html)
    assert form and form.group(1) == reverse("accounts:logout")
    assert "Log out" in html
    client.post(form.group(1))
    assert client.get("/admin/second-factor/")["Location"].startswith(LOGIN)


def test_an_object_history_page_has_no_inline_style(client):
    from tests.factories.events import SpeakerFactory

    speaker = SpeakerFactory()
    client.force_login(StaffFactory(is_superuser=True))
    html = client.get(f"/admin/events/speaker/{speaker.pk}/history/").content.decode()
    assert "history-paginator" in html and "style=" not in html
