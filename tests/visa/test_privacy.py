"""Nobody but the visa desk reaches passport data; it is encrypted at rest, absent from mail,
history and error reports; each view by the desk is recorded; keys rotate; the purge runs once."""

import base64
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from notifications.models import OutboundMessage
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.visa.conftest import PASSPORT, request_post
from visa import crypto, selectors, services
from visa.models import LetterRequest, PassportAccess

pytestmark = pytest.mark.django_db


def _raw(pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number_encrypted, date_of_birth_encrypted FROM visa_letterrequest "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


def test_raw_columns_hold_ciphertext_that_the_configured_key_decrypts(submitted, settings):
    number, born = _raw(submitted.pk)
    for plain in (PASSPORT, "1984-03-17"):
        assert plain not in number + born
        assert base64.b64encode(plain.encode()).decode().rstrip("=") not in number + born
        assert base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=") not in number + born
    (key,) = settings.VISA_FERNET_KEYS
    assert Fernet(key).decrypt(number.encode()).decode() == PASSPORT
    assert Fernet(key).decrypt(born.encode()).decode() == "1984-03-17"


def test_key_rotation_re_encrypts_with_the_new_key(submitted, settings):
    old = settings.VISA_FERNET_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.VISA_FERNET_KEYS = [new, old]  # new first: encrypts; old still decrypts
    assert LetterRequest.objects.get().passport_number == PASSPORT
    assert services.rotate_keys() == 1
    settings.VISA_FERNET_KEYS = [new]  # the old key dropped
    assert LetterRequest.objects.get().passport_number == PASSPORT
    assert Fernet(new).decrypt(_raw(submitted.pk)[0].encode()).decode() == PASSPORT
    settings.VISA_FERNET_KEYS = [old]
    with pytest.raises(crypto.InvalidToken):
        LetterRequest.objects.get().passport_number  # noqa: B018


def _sweep_urls(letter_request) -> list[str]:
    return [
        reverse("visa:letter", args=[letter_request.reference]),
        reverse("admin:visa_letterrequest_change", args=[letter_request.pk]),
        reverse("admin:visa_letterrequest_changelist"),
        reverse("admin:visa_passportaccess_changelist"),
        reverse("visa:request"),
        reverse("delegates:mine"),
        reverse("visa:verify", args=[letter_request.reference]),
        reverse("visa:statistics"),
        reverse("admin:index"),
    ]


def _other_roles(roles) -> list:
    people = [None, UserFactory(email="someone@example.org")]
    other = RegistrationFactory(status="approved", user=UserFactory(email="other@example.org"))
    people.append(other.user)
    for name in roles:
        if name == "visa desk":
            continue
        user = StaffFactory(email=f"{name.replace(' ', '-')}@example.org")
        user.groups.add(Group.objects.get(name=name))
        people.append(user)
    people.append(StaffFactory(email="root@example.org", is_superuser=True))
    return people


def test_no_one_but_the_visa_desk_sees_passport_data(client, issued, roles):
    for person in _other_roles(roles):
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in _sweep_urls(issued):
            response = client.get(url)
            assert response.status_code in {200, 302, 403, 404}, (person, url)
            assert response.get("Content-Type") != "application/pdf", (person, url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert PASSPORT.encode() not in body, (person, url)
            assert b"1984" not in body, (person, url)
            assert b"GARCIA LOPEZ" not in body, (person, url)
            assert b"Embassy of China in Madrid" not in body, (person, url)
        if person is not None and person.is_superuser:
            page = client.get(reverse("admin:visa_letterrequest_change", args=[issued.pk]))
            assert page.status_code == 200
            assert "Passport data is shown only to the visa desk." in page.content.decode()
            listing = client.get(reverse("admin:visa_letterrequest_changelist")).content.decode()
            assert issued.reference in listing and "G. L. M." in listing
    assert not PassportAccess.objects.exclude(user__groups__name="visa desk").exists()


def test_each_view_by_the_desk_writes_an_access_row(client, issued, visa_desk):
    client.force_login(visa_desk)
    change = reverse("admin:visa_letterrequest_change", args=[issued.pk])
    assert PASSPORT in client.get(change).content.decode()
    assert PASSPORT in client.get(change).content.decode()
    response = client.get(reverse("visa:letter", args=[issued.reference]))
    assert response.status_code == 200
    kinds = sorted(PassportAccess.objects.filter(user=visa_desk).values_list("kind", flat=True))
    assert kinds == ["admin", "admin", "letter"]


def test_desk_admin_probe_with_bad_ids_is_not_a_500(client, issued, visa_desk):
    client.force_login(visa_desk)
    for bad in ["abc", "-1", "9" * 40]:
        response = client.get(f"/admin/visa/letterrequest/{bad}/change/")
        assert response.status_code in {302, 404}
        assert client.get(f"/admin/visa/letterrequest/?status={bad}").status_code in {200, 302}
    review = reverse("admin:visa_letterrequest_review", args=[issued.pk])
    assert client.post(review, {"decision": "nonsense"}).status_code == 302


def test_history_outbox_and_error_report_hold_no_passport_data(client, delegate, settings):
    from django.apps import apps

    assert not any(m.__name__ == "HistoricalLetterRequest" for m in apps.get_models())
    client.force_login(delegate.user)
    factory = RequestFactory()
    request = factory.post(reverse("visa:request"), request_post())
    request.user = delegate.user
    from visa.views import RequestLetterView

    # A real failure deep inside: no key to encrypt with (a misconfigured deployment).
    settings.VISA_FERNET_KEYS = []
    request.session = client.session
    request._messages = None
    try:
        RequestLetterView.as_view()(request)
    except Exception:
        import sys

        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text() + report.get_traceback_html()
    settings.VISA_FERNET_KEYS = [Fernet.generate_key().decode()]
    assert "VISA_FERNET_KEYS is empty" in text
    assert PASSPORT not in text
    assert "1984-03-17" not in text
    client.post(reverse("visa:request"), request_post())
    for row in OutboundMessage.objects.all():
        assert PASSPORT not in f"{row.subject}{row.body_text}{row.body_html}{row.headers}"


def test_purge_runs_once_and_the_letter_stays_verifiable(client, issued):
    letter_name = issued.letter.name
    storage = issued.letter.storage
    assert storage.exists(letter_name)
    assert services.purge_passport_data(today=date(2021, 10, 27)) == 0  # 29 days: not yet
    assert services.purge_passport_data(today=date(2021, 10, 28)) == 1
    assert services.purge_passport_data(today=date(2021, 10, 29)) == 0  # idempotent
    row = LetterRequest.objects.get()
    assert row.passport_number_encrypted == "" and row.date_of_birth_encrypted == ""
    assert row.passport_name == "" and row.passport_expires_on is None and not row.letter
    assert row.status == "approved" and row.initials == "G. L. M." and row.entry_on
    page = client.get(reverse("visa:verify", args=[row.reference])).content.decode()
    assert "Issued; personal data deleted after the forum." in page
    assert selectors.verification(row.reference)["state"] == "purged"


def test_forged_and_revoked_references_are_not_valid(client, issued, visa_desk):
    forged = client.get(reverse("visa:verify", args=["ZGCV-FORGED2345"])).content.decode()
    assert "Not valid." in forged and "no letter with this reference" in forged
    services.revoke_letter(issued, by=visa_desk, reason="Registration withdrawn")
    page = client.get(reverse("visa:verify", args=[issued.reference])).content.decode()
    assert "Not valid." in page and "revoked" in page
    client.force_login(issued.registration.user)
    assert client.get(reverse("visa:letter", args=[issued.reference])).status_code == 404
