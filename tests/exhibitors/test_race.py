"""The last floor area, fought over by concurrent approvals: PostgreSQL row locks settle it."""

import threading

import pytest
from django.db import connection

from exhibitors import selectors, services
from exhibitors.models import Application
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import ApplicationFactory, SectionFactory
from tests.services import require_postgres

S = Application.Status
THREADS = 12


def run_together(fn, items):
    barrier = threading.Barrier(len(items))
    results, errors = {}, []

    def worker(item):
        try:
            barrier.wait(timeout=30)
            results[item.pk] = fn(item)
        except Exception as exc:  # reported below, with the thread's item
            errors.append((item.pk, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_fill_the_last_area_once_then_promote():
    require_postgres()
    organizer = StaffFactory()
    # Room for exactly one 18 m² booth beside the approved one.
    section = SectionFactory(capacity_m2=36)
    first = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18)
    services.approve_application(first, by=organizer)
    contenders = [
        ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18) for _ in range(THREADS)
    ]

    results = run_together(
        lambda a: services.approve_application(a, by=organizer).status, contenders
    )

    assert sorted(results.values()).count(S.APPROVED) == 1
    assert sorted(results.values()).count(S.WAITLISTED) == THREADS - 1
    assert services.approved_area(section) == 36
    statuses = dict(Application.objects.filter(section=section).values_list("pk", "status"))
    assert list(statuses.values()).count(S.APPROVED) == 2

    # Freeing 18 m² promotes the application waitlisted first, and only that one.
    waitlisted = list(
        Application.objects.filter(section=section, status=S.WAITLISTED).order_by(
            "status_changed_at", "pk"
        )
    )
    services.reject_application(first, by=organizer, reason="Cancelled the booth.")
    promoted = Application.objects.get(
        section=section, status=S.APPROVED, pk__in=[a.pk for a in waitlisted]
    )
    assert promoted.pk == waitlisted[0].pk
    assert services.approved_area(section) == 36


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_never_overfill_the_section():
    require_postgres()
    organizer = StaffFactory()
    section = SectionFactory(capacity_m2=18 * 4)
    approved = [
        ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18) for _ in range(4)
    ]
    for application in approved:
        services.approve_application(application, by=organizer)
    waiting = [
        ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18) for _ in range(8)
    ]
    for application in waiting:
        services.approve_application(application, by=organizer)

    run_together(
        lambda a: services.withdraw_for_exhibitor(a, by=organizer, reason="Asked").status,
        approved[:3],
    )
    assert services.approved_area(section) == 72
    promoted = [a.pk for a in waiting if Application.objects.get(pk=a.pk).status == S.APPROVED]
    assert promoted == [a.pk for a in waiting[:3]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_one_organization_keep_it_listed():
    """One booth of an organization rejected while its other one (another section) is approved
    at the same moment: it still has an approved booth, so the directory still lists it."""
    require_postgres()
    organizer = StaffFactory()
    first_section, second_section = SectionFactory(), SectionFactory()
    applications = []
    for _ in range(THREADS // 2):
        booth = ApplicationFactory(section=first_section, status=S.SUBMITTED)
        services.approve_application(booth, by=organizer)
        other = ApplicationFactory(
            section=second_section, status=S.SUBMITTED, organization=booth.organization
        )
        applications += [booth, other]
    organizations = {a.organization_id for a in applications}

    for _round in range(3):  # the timing differs each round: more chances to catch a race
        approved = set(Application.objects.approved().values_list("pk", flat=True))

        def decide(application, approved=approved):
            if application.pk in approved:
                return services.reject_application(application, by=organizer, reason="Too late")
            return services.approve_application(application, by=organizer)

        run_together(decide, applications)

        assert set(selectors.public_exhibitors().values_list("pk", flat=True)) == organizations
        for application in Application.objects.filter(status=S.REJECTED):
            services.reopen_application(application, by=organizer)
