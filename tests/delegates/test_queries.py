"""Every delegates page answers with a fixed number of queries, whatever the data size."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.delegates import (
    CategoryFactory,
    DelegationMemberFactory,
    RegistrationFactory,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# Every page starts with the login: the session row and its user (2 queries).
REGISTER_QUERIES = 4  # login, the user's registration, the categories to choose from
MY_REGISTRATION_QUERIES = 6  # login, the registration, delegation memberships, visa request, leads
# login, no registration, memberships, invited places to join
MY_REGISTRATION_BEFORE_REGISTERING_QUERIES = 5
EDIT_QUERIES = 3  # login, the registration
# login, registration, memberships, delegations; + badges and check-ins; + stars, RSVPs and the
# calendar feed of the agenda
EXPORT_QUERIES = 10
DELETE_QUERIES = 3  # login, the registration
NEW_DELEGATION_QUERIES = 3  # login, the delegations the user coordinates
DELEGATION_QUERIES = 5  # login, the delegation, its members, their registrations
MEMBER_EDIT_QUERIES = 5  # login, the delegation, the member, their registration
JOIN_QUERIES = 3  # the invited place, login


class World:
    """A delegation growing by n registered members, n invited places and n unrelated registrations
    per ``grow(n)``; ``member`` is the first member."""

    def __init__(self, delegation, delegate_category):
        self.delegation = delegation
        self.coordinator = delegation.coordinator
        RegistrationFactory(user=self.coordinator, category=delegate_category)
        self.members = []

    def grow(self, n):
        CategoryFactory.create_batch(n)
        for _ in range(n):
            user = UserFactory()
            RegistrationFactory(user=user, category=CategoryFactory())
            self.members.append(
                DelegationMemberFactory(delegation=self.delegation, user=user, email=user.email)
            )
            DelegationMemberFactory(
                delegation=self.delegation, user=None, email=f"{user.pk}@invited.org"
            )
            RegistrationFactory()

    @property
    def n(self):
        return len(self.members)

    @property
    def member(self):
        return self.members[0]


@pytest.fixture
def world(delegation, delegate_category):
    return World(delegation, delegate_category)


def _page(client, world, budget, user, url, status=200):
    """GET ``url`` as ``user`` at N and 3N rows: both functions of the world, read (uncounted)
    after each growth. Returns the two responses."""
    target = {}

    def grow(n):
        world.grow(n)
        client.force_login(user(world))
        target["url"] = url(world)

    responses = assert_queries_do_not_grow(
        lambda: client.get(target["url"]), grow, budget=budget, n=3
    )
    for response in responses:
        assert response.status_code == status, target["url"]
    return responses


def test_register_page(client, world):
    newcomer = UserFactory()
    _page(client, world, REGISTER_QUERIES, lambda w: newcomer, lambda w: "/delegates/register/")


def test_my_registration_page(client, world):
    _page(
        client, world, MY_REGISTRATION_QUERIES, lambda w: w.member.user, lambda w: "/delegates/me/"
    )


def test_my_registration_page_before_registering(client, world):
    newcomer = UserFactory()
    _page(
        client,
        world,
        MY_REGISTRATION_BEFORE_REGISTERING_QUERIES,
        lambda w: newcomer,
        lambda w: "/delegates/me/",
    )


def test_edit_page(client, world):
    _page(client, world, EDIT_QUERIES, lambda w: w.member.user, lambda w: "/delegates/me/edit/")


def test_export(client, world):
    # + stars, RSVPs and the calendar feed of the agenda; + badges and check-ins
    _page(
        client,
        world,
        EXPORT_QUERIES,
        lambda w: w.member.user,
        lambda w: "/delegates/me/export.json",
    )


def test_delete_page(client, world):
    _page(client, world, DELETE_QUERIES, lambda w: w.member.user, lambda w: "/delegates/me/delete/")


def test_new_delegation_page(client, world):
    newcomer = UserFactory()
    _page(
        client,
        world,
        NEW_DELEGATION_QUERIES,
        lambda w: newcomer,
        lambda w: "/delegates/delegations/new/",
    )


def test_delegation_page(client, world):
    responses = _page(
        client,
        world,
        DELEGATION_QUERIES,
        lambda w: w.coordinator,
        lambda w: w.delegation.urls.detail,
    )
    assert [len(r.context["members"]) for r in responses] == [1 + 2 * 3, 1 + 2 * 9]


def test_member_edit_page(client, world):
    _page(client, world, MEMBER_EDIT_QUERIES, lambda w: w.coordinator, lambda w: w.member.urls.edit)


def test_join_page(client, world):
    newcomer = UserFactory()
    _page(
        client,
        world,
        JOIN_QUERIES,
        lambda w: newcomer,
        lambda w: w.delegation.members.filter(user=None).first().urls.join,
    )
