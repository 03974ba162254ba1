"""The announcements list: constant queries, stale recipient parameters still named in words."""

import itertools
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
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# login session, user, count, announcements with authors; + the choices of other apps' segments,
# counted in the test (they read the database once per page)
CHANGELIST_QUERIES = 4


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


def test_announcement_changelist_queries_do_not_grow_with_stale_parameters(client, group_segment):
    # A segment no longer registered shows its stored value.
    AnnouncementFactory(segment="gone.segment?x=1")
    expected = ["gone.segment?x=1"]
    shown = []  # the labels expected after each growth
    counter = itertools.count()

    def announcements(n):
        for _ in range(n):
            i = next(counter)
            group = Group.objects.create(name=f"Reviewers {i}")
            delegation = DelegationFactory(name=f"Delegation {i}")
            AnnouncementFactory(segment=f"test.group?group={group.pk}")
            AnnouncementFactory(segment=f"delegates.delegation?delegation={delegation.pk}")
            if i % 2:  # half of them point at rows deleted since
                expected.append(f"Members of a group: group={group.pk}")
                expected.append(f"Members of a delegation: delegation={delegation.pk}")
                group.delete()
                delegation.delete()
            else:
                expected.append(f"Members of a group: Reviewers {i}")
                expected.append(f"Members of a delegation: Delegation {i}")
        shown.append(expected[::-1])  # newest first, as the list shows them

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # Other apps' segments read their choices from the database, once per page.
    with CaptureQueriesContext(connection) as choices:
        services.segment_choices()
    first, second = assert_queries_do_not_grow(
        lambda: client.get(reverse("admin:notifications_announcement_changelist")),
        announcements,
        budget=CHANGELIST_QUERIES + len(choices),
        n=2,
    )
    for response, labels in zip((first, second), shown, strict=True):
        assert response.status_code == 200
        assert shown_labels(response.content.decode()) == labels
    assert len(shown[1]) == 1 + 2 * 6
