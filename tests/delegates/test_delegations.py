"""Delegations: a coordinator invites, sees and edits only their members; one delegation each."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from delegates import services
from delegates.models import Delegation, DelegationMember, Registration
from tests.factories.accounts import UserFactory
from tests.factories.delegates import (
    DelegationFactory,
    DelegationMemberFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(delegation, delegate_category):
    user = UserFactory(email="felix.becker@example.org", name="Felix Becker", language="zh-hans")
    RegistrationFactory(user=user, category=delegate_category, name="Felix Becker")
    return DelegationMemberFactory(delegation=delegation, user=user, email=user.email)


@pytest.fixture
def other_delegation(delegate_category):
    coordinator = UserFactory(email="other.coordinator@example.org")
    delegation = DelegationFactory(coordinator=coordinator, name="Delegation of France")
    user = UserFactory(email="chloe.martin@example.org")
    RegistrationFactory(user=user, category=delegate_category)
    DelegationMemberFactory(delegation=delegation, user=user, email=user.email)
    return delegation


def test_coordinator_registers_a_delegation(client, delegate_category):
    coordinator = UserFactory()
    client.force_login(coordinator)
    response = client.post(
        "/delegates/delegations/new/", {"name": "KAIST", "kind": "organization", "country": ""}
    )
    delegation = Delegation.objects.get(coordinator=coordinator)
    assert response["Location"] == f"/delegates/delegations/{delegation.pk}/"
    assert delegation.members.get().user == coordinator
    # A second one is refused: the page sends them to the first.
    assert client.get("/delegates/delegations/new/")["Location"] == response["Location"]


def test_country_delegation_needs_its_country(client):
    client.force_login(UserFactory())
    response = client.post("/delegates/delegations/new/", {"name": "X", "kind": "country"})
    assert "country" in response.context["form"].errors
    assert not Delegation.objects.exists()


def test_coordinator_invites_by_mail_and_the_person_joins(
    client, delegation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(delegation.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            delegation.urls.detail, {"email": "New.Person@example.org", "name": "New Person"}
        )
    assert response.status_code == 302
    member = delegation.members.get(email="new.person@example.org")
    (mail,) = mailoutbox
    assert mail.to == ["new.person@example.org"]
    assert f"/delegates/join/{member.token}/" in mail.body
    # Inviting the same address again is a form error.
    response = client.post(delegation.urls.detail, {"email": "new.person@example.org"})
    assert "already invited" in str(response.context["invite_form"].errors)
    # The invited person signs up (or logs in), opens the link and joins.
    person = UserFactory(email="new.person@example.org")
    client.force_login(person)
    assert client.get(member.urls.join).status_code == 200
    response = client.post(member.urls.join)
    assert response["Location"] == "/delegates/register/"
    member.refresh_from_db()
    assert member.user == person and member.accepted_at is not None


def test_a_person_belongs_to_at_most_one_delegation(client, delegation, other_delegation):
    person = UserFactory()
    DelegationMemberFactory(delegation=other_delegation, user=person, email=person.email)
    invite = DelegationMember.objects.create(delegation=delegation, email="x@example.org")
    client.force_login(person)
    client.post(invite.urls.join)
    invite.refresh_from_db()
    assert invite.user is None
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationMember.objects.filter(pk=invite.pk).update(
            user=person, accepted_at=timezone.now()
        )


def test_coordinator_sees_each_members_status(client, delegation, member):
    DelegationMember.objects.create(delegation=delegation, email="invited@example.org")
    client.force_login(delegation.coordinator)
    html = client.get(delegation.urls.detail).content.decode()
    assert "Felix Becker" in html and "pending" in html
    assert "invited@example.org" in html and "invited" in html


def test_coordinator_edits_a_members_details_before_the_deadline(client, delegation, member):
    client.force_login(delegation.coordinator)
    url = member.urls.edit
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Felix Becker",
            "name_zh": "费利克斯",
            "organization": "Max Planck Society",
            "title": "Director",
            "country": "DE",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(user=member.user)
    assert registration.organization == "Max Planck Society"
    assert registration.status == Registration.Status.PENDING  # edits never change the status
    Delegation.objects.filter(pk=delegation.pk).update(
        edits_close_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X"}).status_code == 403


def test_url_sweep_other_peoples_delegations_get_404(client, delegation, member, other_delegation):
    """Every delegation URL, opened by every other kind of person, answers 404, as a missing id
    does: ids cannot be enumerated."""
    urls = [delegation.urls.detail, member.urls.edit]
    outsiders = [
        other_delegation.coordinator,  # coordinates another delegation
        member.user,  # a member, not the coordinator
        other_delegation.members.exclude(user=other_delegation.coordinator).get().user,
        UserFactory(),  # anyone else
    ]
    for user in outsiders:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            post = client.post(url, {"email": "x@example.org", "name": "X"})
            assert post.status_code == 404, (user, url)
        missing = f"/delegates/delegations/{delegation.pk + 1000}/"
        assert client.get(missing).status_code == 404
    # A member of another delegation addressed through this delegation's URL: 404.
    other_member = other_delegation.members.exclude(user=other_delegation.coordinator).get()
    client.force_login(delegation.coordinator)
    url = f"/delegates/delegations/{delegation.pk}/members/{other_member.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "X"}).status_code == 404
    assert DelegationMember.objects.filter(delegation=delegation).count() == 2
    assert not Registration.objects.filter(name="X").exists()


def test_a_delegate_sees_and_edits_only_themself(client, member, other_delegation):
    """/delegates/me/… pages name no one: each shows the logged-in person's own data."""
    client.force_login(member.user)
    html = client.get("/delegates/me/").content.decode()
    assert "Felix Becker" in html and "Chloé" not in html
    client.post(
        "/delegates/me/edit/",
        {"name": "Felix B.", "organization": "TU Berlin", "country": "DE", "title": ""},
    )
    assert Registration.objects.get(user=member.user).organization == "TU Berlin"
    assert (
        not Registration.objects.filter(organization="TU Berlin").exclude(user=member.user).exists()
    )


def test_join_link_of_an_accepted_place_is_404_for_others(client, member):
    client.force_login(UserFactory())
    assert client.get(member.urls.join).status_code == 404
    assert client.get("/delegates/join/no-such-token/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, delegation, member):
    for url in [
        "/delegates/me/",
        "/delegates/me/edit/",
        "/delegates/me/export.json",
        "/delegates/me/delete/",
        "/delegates/delegations/new/",
        delegation.urls.detail,
        member.urls.edit,
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_invitation_link_asks_anonymous_visitors_to_log_in_or_sign_up(client, delegation):
    place = DelegationMember.objects.create(delegation=delegation, email="new@example.org")
    html = client.get(f"/zh-hans/delegates/join/{place.token}/").content.decode()
    assert "Delegation of Germany" in html
    assert f"/zh-hans/accounts/login/?next=/zh-hans/delegates/join/{place.token}/" in html
    assert "/zh-hans/accounts/signup/" in html
    response = client.post(place.urls.join)
    assert response["Location"] == f"/accounts/login/?next={place.urls.join}"
    place.refresh_from_db()
    assert place.user is None


def test_edit_member_service_refuses_after_the_deadline(delegation, member):
    delegation.edits_close_at = timezone.now() - timedelta(seconds=1)
    delegation.save()
    member.delegation = delegation
    with pytest.raises(services.DelegationError):
        services.edit_member(member, by=delegation.coordinator, organization="X")


def test_the_accreditation_desk_may_open_any_delegation(client, delegation, member, roles):
    from django.contrib.auth.models import Group

    from delegates.roles import ACCREDITATION_DESK

    desk = UserFactory(is_staff=True)
    desk.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    client.force_login(desk)
    assert client.get(delegation.urls.detail).status_code == 200
    delegation.edits_close_at = timezone.now() - timedelta(days=1)
    delegation.save()
    assert client.get(member.urls.edit).status_code == 200  # after the deadline too
    response = client.post(
        member.urls.edit, {"name": "Felix Becker", "organization": "DLR", "country": "DE"}
    )
    assert response.status_code == 302
    assert Registration.objects.get(user=member.user).organization == "DLR"


def test_my_page_offers_the_places_waiting_for_my_address(client, delegation):
    place = DelegationMember.objects.create(delegation=delegation, email="Late.Signup@example.org")
    person = UserFactory(email="late.signup@example.org")
    client.force_login(person)
    html = client.get("/delegates/me/").content.decode()
    assert "Delegation of Germany" in html and place.urls.join in html
    client.post(place.urls.join)
    html = client.get("/delegates/me/").content.decode()
    assert place.urls.join not in html
    assert "You belong to the delegation Delegation of Germany" in html
