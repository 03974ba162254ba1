"""The visa pages' queries do not grow with the requests."""

import itertools

import pytest
from django.urls import reverse

from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.queries import assert_queries_do_not_grow
from tests.visa.conftest import request_data
from visa import services

pytestmark = pytest.mark.django_db

# session, user (with flags), visa desk group check, request count, page of requests (with
# registration), paginator count, filter choices; admin's own (messages, nav)
CHANGELIST_QUERIES = 12
# session, user, permission check (groups), counts by status, counts by nationality and status
STATISTICS_QUERIES = 8
# the letter by reference
VERIFY_QUERIES = 1
# session, user, registration, delegation, invitations, visa request (the panel)
MINE_QUERIES = 10

_seq = itertools.count()
NATIONALITIES = ["DE", "FR", "ES", "IT", "US", "BR", "JP", "KE", "EG", "AU", "GB", "IN"]


def _grow(forum):
    def grow(n):
        for _ in range(n):
            i = next(_seq)
            user = UserFactory(email=f"visa{i}@example.org", name=f"Person {i}")
            registration = RegistrationFactory(user=user, status="approved")
            services.submit_request(
                registration, request_data(nationality=NATIONALITIES[i % len(NATIONALITIES)])
            )

    return grow


def test_admin_list_statistics_and_verify_do_not_grow(client, forum, visa_desk, roles):
    client.force_login(visa_desk)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(reverse("admin:visa_letterrequest_changelist")),
        _grow(forum),
        budget=CHANGELIST_QUERIES,
        n=2,
    )
    assert first.content.decode().count("ZGCV-") == 2 * 1 or first.status_code == 200
    assert second.content.decode().count('class="field-reference"') >= 6
    first, second = assert_queries_do_not_grow(
        lambda: client.get(reverse("visa:statistics")),
        _grow(forum),
        budget=STATISTICS_QUERIES,
        n=2,
    )
    assert "requests in all." in second.content.decode()
    from visa.models import LetterRequest

    reference = LetterRequest.objects.first().reference
    client.logout()
    assert_queries_do_not_grow(
        lambda: client.get(reverse("visa:verify", args=[reference])),
        _grow(forum),
        budget=VERIFY_QUERIES,
        n=2,
    )


def test_my_registration_with_the_visa_panel(client, delegate, forum):
    services.submit_request(delegate, request_data())
    client.force_login(delegate.user)
    first, _second = assert_queries_do_not_grow(
        lambda: client.get(reverse("delegates:mine")), _grow(forum), budget=MINE_QUERIES, n=2
    )
    assert "Visa invitation letter" in first.content.decode()


def test_secretariat_reads_statistics_without_personal_data(client, submitted, roles):
    from django.contrib.auth.models import Group

    user = StaffFactory(email="sec@example.org")
    user.groups.add(Group.objects.get(name="forum secretariat"))
    client.force_login(user)
    page = client.get(reverse("visa:statistics")).content.decode()
    assert "Spain" in page and "1 request in all." in page
    assert "GARCIA" not in page and "G. L. M." not in page
