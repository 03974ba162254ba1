import re

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.factories.accounts import UnverifiedUserFactory, UserFactory

PASSWORD = "Blue-Harbour-2021"


def sign_up(client, **overrides):
    data = {
        "email": "lin.hua@example.org",
        "name": "Lin Hua",
        "name_zh": "林华",
        "language": "zh-hans",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("accounts:signup"), data)


def link_in(text: str) -> str:
    return re.search(r"https?://\S+/accounts/verify/\S+/", text).group(0)


@pytest.mark.django_db(transaction=True)
def test_sign_up_verify_by_mail_then_log_in(client, smtp_sink):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")

    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["lin.hua@example.org"]
    assert "确认" in mail.subject  # written in the language chosen at sign-up
    url = link_in(mail.text)
    assert "/zh-hans/accounts/verify/" in url

    login = {"username": "lin.hua@example.org", "password": PASSWORD}
    refused = client.post(reverse("accounts:login"), login)
    assert refused.status_code == 200
    assert "confirm your email address first" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    verified = client.get(url.split("127.0.0.1:8000", 1)[-1], follow=True)
    assert (
        "Your email address is confirmed" in verified.content.decode()
        or "已确认" in verified.content.decode()
    )

    response = client.post(reverse("accounts:login"), login)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(email="lin.hua@example.org").is_verified


@pytest.mark.django_db
def test_duplicate_email_is_a_form_error(client):
    UserFactory(email="taken@example.org")
    response = sign_up(client, email="Taken@Example.org")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("12345678", "12345678", "too common"),
        ("short", "short", "too short"),
        ("Blue-Harbour-2021", "Blue-Harbour-2022", "The two passwords differ"),
    ],
)
def test_weak_or_mismatched_password_is_a_form_error(client, password1, password2, message):
    response = sign_up(client, password1=password1, password2=password2)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_bad_token_is_a_message_not_an_error(client):
    response = client.get(reverse("accounts:verify", kwargs={"token": "not-a-token"}), follow=True)
    assert response.status_code == 200
    assert "This verification link is not valid." in response.content.decode()


@pytest.mark.django_db
def test_expired_token_is_refused(client, settings):
    user = UnverifiedUserFactory()
    token = services.verification_token(user)
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    response = client.get(reverse("accounts:verify", kwargs={"token": token}), follow=True)
    assert "This verification link has expired." in response.content.decode()
    user.refresh_from_db()
    assert not user.is_verified


@pytest.mark.django_db
def test_token_for_a_changed_address_is_refused(client):
    user = UnverifiedUserFactory(email="old@example.org")
    token = services.verification_token(user)
    User.objects.filter(pk=user.pk).update(email="new@example.org")
    response = client.get(reverse("accounts:verify", kwargs={"token": token}), follow=True)
    assert "not valid" in response.content.decode()


@pytest.mark.django_db
def test_resend_mails_a_new_link_only_to_unverified_accounts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UnverifiedUserFactory(email="late@example.org")
    UserFactory(email="done@example.org")
    for address in ["late@example.org", "done@example.org", "nobody@example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup_done"), {"email": address}, follow=True)
        assert "a new link is on its way" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["late@example.org"]]


@pytest.mark.django_db
def test_lockout_after_repeated_failures_is_per_username_and_ip(client):
    UserFactory(email="target@example.org")
    UserFactory(email="colleague@example.org")
    for _ in range(5):
        client.post(
            reverse("accounts:login"), {"username": "target@example.org", "password": "wrong"}
        )
    locked = client.post(
        reverse("accounts:login"),
        {"username": "target@example.org", "password": "a-long-demo-password"},
    )
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    # A colleague behind the same venue NAT still logs in.
    other = client.post(
        reverse("accounts:login"),
        {"username": "colleague@example.org", "password": "a-long-demo-password"},
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_profile_edits_language_and_announcement_choice(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"name": "Ada Chen", "name_zh": "陈艾达", "language": "zh-hans"},
        follow=True,
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.name_zh, user.language, user.receives_announcements) == (
        "Ada Chen",
        "陈艾达",
        "zh-hans",
        False,
    )


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="forgetful@example.org")
    # The mail goes through the outbox, which sends after commit.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.org"})
    [mail] = mailoutbox
    path = re.search(r"https?://[^/]+(/\S+/)", mail.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": "Another-Harbour-77", "new_password2": "Another-Harbour-77"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="forgetful@example.org").check_password("Another-Harbour-77")


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
