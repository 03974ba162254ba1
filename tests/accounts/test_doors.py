"""Every user finds their door: the navbar per role, the landing after login, and the forum
registration as one path from a new account to the delegate form."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.exhibitors import OrganizationFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-demo-password"


def door_staff():
    user = UserFactory(email="door@example.org")
    user.user_permissions.add(Permission.objects.get(codename="scan_badges"))
    return user


def delegate():
    return RegistrationFactory(user=UserFactory(email="delegate@example.org")).user


def exhibitor():
    return OrganizationFactory().main_contact


def exhibitor_and_delegate():
    user = exhibitor()
    RegistrationFactory(user=user)
    return user


def navbar(client, path="/") -> list[str]:
    html = client.get(path).content.decode()
    nav = re.search(r"<nav class=\"navbar.*?</nav>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r"<a [^>]*>.*?</a>", nav, re.S)]


ROLES = {
    # role: (make the user, doors it sees, doors it must not see, where it lands)
    "anonymous": (
        None,
        {"Schedule", "Register for the forum", "Create an account", "Log in"},
        {"My registration", "My agenda", "Exhibitor portal", "Check-in desk", "Organizers"},
        None,
    ),
    "delegate": (
        delegate,
        {"My registration", "My agenda"},
        {"Register for the forum", "Exhibitor portal", "Check-in desk", "Organizers"},
        "delegates:mine",
    ),
    "exhibitor": (
        exhibitor,
        {"Exhibitor portal", "Register for the forum"},
        {"My registration", "Check-in desk", "Organizers"},
        "exhibitors:portal",
    ),
    "door": (
        door_staff,
        {"Check-in desk"},
        {"My registration", "Exhibitor portal", "Organizers"},
        "delegates:desk",
    ),
    "staff": (StaffFactory, {"Organizers"}, {"My registration", "Exhibitor portal"}, "admin:index"),
    "exhibitor and delegate": (
        exhibitor_and_delegate,
        {"Exhibitor portal", "My registration", "My agenda"},
        {"Register for the forum", "Check-in desk"},
        "exhibitors:portal",
    ),
}

CHINESE = {
    "Register for the forum": "报名参会",
    "My registration": "我的报名",
    "My agenda": "我的日程",
    "Exhibitor portal": "展商中心",
    "Check-in desk": "签到台",
    "Organizers": "组委会",
    "Schedule": "日程",
    "Create an account": "创建账户",
    "Log in": "登录",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_role_sees_its_doors_and_lands_on_its_page(client, role, language):
    make, shown, hidden, landing = ROLES[role]
    prefix = "" if language == "en" else "/zh-hans"
    words = (lambda s: s) if language == "en" else CHINESE.get
    user = make() if make else None
    if user is not None:
        login = client.post(
            f"{prefix}/accounts/login/", {"username": user.email, "password": PASSWORD}
        )
        with translation.override(language):
            assert login["Location"] == reverse(landing)
    doors = set(navbar(client, f"{prefix}/"))
    assert {words(d) for d in shown} <= doors
    assert not {words(d) for d in hidden} & doors


def test_a_next_still_wins_over_the_landing(client):
    user = door_staff()
    response = client.post(
        "/accounts/login/?next=/schedule/", {"username": user.email, "password": PASSWORD}
    )
    assert response["Location"] == "/schedule/"


def test_the_delegates_address_leads_somewhere_useful(client):
    assert client.get("/delegates/")["Location"] == "/delegates/register/"
    client.force_login(delegate())
    assert client.get("/delegates/")["Location"] == "/delegates/me/"


@pytest.mark.django_db(transaction=True)
def test_register_for_the_forum_is_one_path_from_a_new_account(client, settings):
    """Register for the forum → log in or create an account → confirm by mail → log in → the
    delegate form, with the step shown on each page."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CategoryFactory()
    register = client.get("/delegates/register/")
    assert register["Location"] == "/accounts/login/?next=/delegates/register/"
    login_page = client.get(register["Location"]).content.decode()
    assert 'aria-current="step"' in login_page
    assert 'href="/accounts/signup/?next=/delegates/register/"' in login_page

    signup = client.post(
        "/accounts/signup/?next=/delegates/register/",
        {
            "email": "new@example.org",
            "name": "New Delegate",
            "name_zh": "",
            "language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signup["Location"] == "/accounts/signup/done/"
    done = client.get("/accounts/signup/done/").content.decode()
    assert re.search(r'<li class="is-current" aria-current="step">.*?2', done, re.S)

    [message] = mail.outbox
    link = re.search(r"https?://\S+?(/accounts/verify/\S+/)", message.body).group(1)
    verified = client.get(link)
    assert verified["Location"] == "/accounts/login/?next=%2Fdelegates%2Fregister%2F"
    logged_in = client.post(
        verified["Location"], {"username": "new@example.org", "password": PASSWORD}
    )
    assert logged_in["Location"] == "/delegates/register/"
    form = client.get("/delegates/register/").content.decode()
    assert re.search(r'<li class="is-current" aria-current="step">.*?3', form, re.S)
    assert 'name="category"' in form


def test_a_next_off_the_site_is_not_carried(client):
    page = client.get("/accounts/signup/?next=//evil.example/x").content.decode()
    assert '<a href="/accounts/login/">' in page  # the login link carries no next
