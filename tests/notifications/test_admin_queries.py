"""The announcements list: constant queries, stale recipient parameters still named in words."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from core import registries
from notifications import services
from tests.factories.accounts import UserFactory
from tests.factories.delegates import DelegationFactory
from tests.factories.notifications import AnnouncementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_segment():
    """A segment whose parameter choices, like other apps', are read from the database."""
    registries.register_segment(
        "test.group",
        "Members of a group",
        lambda group: User.objects.filter(groups__pk=group),
        params={"group": lambda: [(str(g.pk), g.name) for g in Group.objects.order_by("pk")]},
    )
    yield
    registries.mail_segments.pop("test.group")


def shown_labels(page: str) -> list[str]:
    return re.findall(r'<td class="field-segment_name">(.*?)</td>', page)


@pytest.mark.parametrize("n", [2, 6])
def test_announcement_changelist_queries_do_not_grow_with_stale_parameters(
    client, group_segment, n, django_assert_num_queries
):
    expected = []
    for i in range(n):
        group = Group.objects.create(name=f"Reviewers {i}")
        delegation = DelegationFactory(name=f"Delegation {i}")
        AnnouncementFactory(segment=f"test.group?group={group.pk}")
        AnnouncementFactory(segment=f"delegates.delegation?delegation={delegation.pk}")
        if i % 2:  # half of them point at rows deleted since
            expected += [f"Members of a group: group={group.pk}"]
            expected += [f"Members of a delegation: delegation={delegation.pk}"]
            group.delete()
            delegation.delete()
        else:
            expected += [f"Members of a group: Reviewers {i}"]
            expected += [f"Members of a delegation: Delegation {i}"]
    # A segment no longer registered shows its stored value.
    AnnouncementFactory(segment="gone.segment?x=1")
    expected.append("gone.segment?x=1")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # Other apps' segments read their choices from the database, once per page.
    with CaptureQueriesContext(connection) as choices:
        services.segment_choices()
    # login session, user, count, announcements with authors, and the choices
    with django_assert_num_queries(4 + len(choices)):
        response = client.get(reverse("admin:notifications_announcement_changelist"))
    assert response.status_code == 200
    # Newest first, as the list shows them.
    assert shown_labels(response.content.decode()) == expected[::-1]
