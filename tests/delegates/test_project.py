"""Model URLs resolve, segments list the right people, the demo has the forum's shape."""

import pytest
from django.db.models import Count
from django.urls import resolve

from delegates import selectors
from delegates.models import Category, Delegation, DelegationMember, Registration
from tests.factories.delegates import DelegationMemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_every_model_url_resolves(delegation, delegate_category):
    member = DelegationMemberFactory(delegation=delegation)
    registration = RegistrationFactory(user=member.user)
    for value in [
        delegation.urls.detail,
        member.urls.join,
        member.urls.edit,
        registration.urls.mine,
        registration.urls.edit,
        registration.urls.export,
        registration.urls.delete,
    ]:
        assert resolve(value).namespace == "delegates", value


def test_segments_select_delegates(delegation, delegate_category, open_category):
    from notifications.services import segments

    a = RegistrationFactory(category=delegate_category, country="KE", status="approved")
    b = RegistrationFactory(category=open_category, country="KE", status="pending")
    DelegationMemberFactory(delegation=delegation, user=a.user, email=a.user.email)
    registered = segments()
    assert {
        "delegates.category",
        "delegates.country",
        "delegates.delegation",
        "delegates.status",
    } <= set(registered)
    assert list(registered["delegates.category"].users(category="delegate")) == [a.user]
    assert set(registered["delegates.country"].users(country="KE")) == {a.user, b.user}
    assert list(registered["delegates.status"].users(status="pending")) == [b.user]
    assert a.user in registered["delegates.delegation"].users(delegation=str(delegation.pk))
    assert ("KE", "Kenya") in [(c, str(n)) for c, n in selectors.country_choices()]


def test_demo_has_the_forums_shape(demo_forum):
    registrations = Registration.objects.all()
    assert registrations.count() >= 1000
    assert registrations.values("country").distinct().count() >= 50
    assert registrations.exclude(name_zh="").count() > 300
    assert set(registrations.values_list("status", flat=True)) == {
        "approved",
        "pending",
        "rejected",
    }
    assert set(registrations.values_list("category", flat=True)) == set(
        Category.objects.values_list("pk", flat=True)
    )
    assert Delegation.objects.count() >= 12
    sizes = Delegation.objects.annotate(n=Count("members")).values_list("n", flat=True)
    assert min(sizes) >= 2
    assert DelegationMember.objects.filter(user=None).exists()
    # No sensitive data without consent.
    assert not registrations.filter(sensitive_consent_at=None).exclude(dietary_needs="").exists()
