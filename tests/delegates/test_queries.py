"""Every delegates page answers with a fixed number of queries, whatever the data size."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.delegates import (
    CategoryFactory,
    DelegationMemberFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

N = [3, 9]  # N and 3N


@pytest.fixture
def world(delegation, delegate_category, request):
    """A delegation with n registered members, n invited places and n unrelated registrations."""
    n = request.param
    CategoryFactory.create_batch(n)
    members = []
    for _ in range(n):
        user = UserFactory()
        RegistrationFactory(user=user, category=CategoryFactory())
        members.append(DelegationMemberFactory(delegation=delegation, user=user, email=user.email))
        DelegationMemberFactory(delegation=delegation, user=None, email=f"{user.pk}@invited.org")
        RegistrationFactory()
    coordinator = delegation.coordinator
    RegistrationFactory(user=coordinator, category=delegate_category)
    return {"n": n, "delegation": delegation, "member": members[0], "coordinator": coordinator}


def _page(client, user, url, expected, django_assert_num_queries, status=200):
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == status, url
    return response


@pytest.mark.parametrize("world", N, indirect=True)
def test_register_page(client, world, django_assert_num_queries):
    _page(client, UserFactory(), "/delegates/register/", 4, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_my_registration_page(client, world, django_assert_num_queries):
    user = world["member"].user
    _page(client, user, "/delegates/me/", 4, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_my_registration_page_before_registering(client, world, django_assert_num_queries):
    _page(client, UserFactory(), "/delegates/me/", 5, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_edit_page(client, world, django_assert_num_queries):
    _page(client, world["member"].user, "/delegates/me/edit/", 3, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_export(client, world, django_assert_num_queries):
    # + stars, RSVPs and the calendar feed of the agenda; + badges and check-ins
    _page(client, world["member"].user, "/delegates/me/export.json", 10, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_delete_page(client, world, django_assert_num_queries):
    _page(client, world["member"].user, "/delegates/me/delete/", 3, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_new_delegation_page(client, world, django_assert_num_queries):
    _page(client, UserFactory(), "/delegates/delegations/new/", 3, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_delegation_page(client, world, django_assert_num_queries):
    response = _page(
        client,
        world["coordinator"],
        world["delegation"].urls.detail,
        5,
        django_assert_num_queries,
    )
    assert len(response.context["members"]) == 1 + 2 * world["n"]


@pytest.mark.parametrize("world", N, indirect=True)
def test_member_edit_page(client, world, django_assert_num_queries):
    _page(client, world["coordinator"], world["member"].urls.edit, 5, django_assert_num_queries)


@pytest.mark.parametrize("world", N, indirect=True)
def test_join_page(client, world, django_assert_num_queries):
    place = world["delegation"].members.filter(user=None).first()
    _page(client, UserFactory(), place.urls.join, 3, django_assert_num_queries)
