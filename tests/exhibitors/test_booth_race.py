"""The last booth, fought over by two team members at once: PostgreSQL row locks settle it."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from exhibitors import services
from exhibitors.models import Application, Booth, BoothAssignment
from exhibitors.roles import EXHIBITION_TEAM
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import ApplicationFactory, BoothFactory, SectionFactory
from tests.services import require_postgres

S = Application.Status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", [5])
def test_two_team_members_assign_one_booth_to_two_organizations(roles, rounds):
    require_postgres()
    team = Group.objects.get(name=EXHIBITION_TEAM)
    members = [StaffFactory(), StaffFactory()]
    for member in members:
        member.groups.add(team)
    section = SectionFactory()
    for _round in range(rounds):  # the timing differs each round: more chances to catch a race
        booth = BoothFactory(section=section)
        applications = [
            ApplicationFactory(section=section, status=S.APPROVED, area_m2=9) for _ in members
        ]
        barrier = threading.Barrier(len(members))
        outcomes = {}

        def assign(application, member, barrier=barrier, booth=booth, outcomes=outcomes):
            try:
                barrier.wait(timeout=30)
                services.assign_booth(application, booth, by=member)
                outcomes[application.pk] = "assigned"
            except services.BoothError as exc:
                outcomes[application.pk] = str(exc)
            except Exception as exc:  # a deadlock or a constraint error: reported below
                outcomes[application.pk] = repr(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=assign, args=pair)
            for pair in zip(applications, members, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert sorted(outcomes.values(), key=len) == [
            "assigned",
            f"Booth {booth.code} is assigned: choose a free booth.",
        ]
        booth.refresh_from_db()
        winner = next(pk for pk, outcome in outcomes.items() if outcome == "assigned")
        assert (booth.status, booth.application_id) == (Booth.Status.ASSIGNED, winner)
        assert BoothAssignment.objects.filter(booth=booth).count() == 1
