"""The last floor area, fought over by concurrent approvals: PostgreSQL row locks settle it."""

import threading
import time

import pytest
from django.db import connection, transaction

from exhibitors import selectors, services
from exhibitors.models import Application
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["withdraw", "reject"])
def test_crossed_promotions_in_two_sections_do_not_deadlock(second):
    """Section A frees X's booth and promotes Y's waitlisted one; section B, at the same moment,
    frees Y's booth and promotes X's. Each review touches both organizations' listings: they
    must be locked in one order, or PostgreSQL aborts one reviewer with a deadlock."""
    require_postgres()
    organizer = StaffFactory()
    x, y = OrganizationFactory(), OrganizationFactory()
    section_a, section_b = SectionFactory(capacity_m2=18), SectionFactory(capacity_m2=18)
    x_in_a = ApplicationFactory(section=section_a, organization=x, status=S.SUBMITTED)
    y_in_a = ApplicationFactory(section=section_a, organization=y, status=S.SUBMITTED)
    y_in_b = ApplicationFactory(section=section_b, organization=y, status=S.SUBMITTED)
    x_in_b = ApplicationFactory(section=section_b, organization=x, status=S.SUBMITTED)
    for application in [x_in_a, y_in_a, y_in_b, x_in_b]:  # approved, waitlisted, ...
        services.approve_application(application, by=organizer)
    reviews = {
        "withdraw": lambda a: services.review_many([a], "withdraw", by=organizer, reason="Asked"),
        "reject": lambda a: services.review_many([a], "reject", by=organizer, reason="Unpaid"),
    }
    errors, outcomes = [], []

    def review(application, action):
        try:
            outcomes.extend(reviews[action](application))
        except Exception as exc:  # a deadlock: reported below
            errors.append(exc)
        finally:
            connection.close()

    # Both reviews must have freed their booth (and touched their own organization) before
    # either promotes: hold the waitlisted rows until both wait for them.
    with transaction.atomic():
        list(Application.objects.select_for_update().filter(pk__in=[y_in_a.pk, x_in_b.pk]))
        threads = [
            threading.Thread(target=review, args=(x_in_a, "withdraw")),
            threading.Thread(target=review, args=(y_in_b, second)),
        ]
        for t in threads:
            t.start()
        wait_for_lock_waits(2)
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert [o.ok for o in outcomes] == [True, True]
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[y_in_a.pk] == statuses[x_in_b.pk] == S.APPROVED
    assert set(selectors.public_exhibitors().values_list("pk", flat=True)) == {x.pk, y.pk}


def wait_for_lock_waits(n: int, seconds: float = 30) -> None:
    """Return once n backends of this database wait for a lock another one holds."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction, PostgreSQL reads its statistics views from one snapshot.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= n:
                return
            time.sleep(0.05)
    pytest.fail(f"{n} backends did not wait for a lock")
