"""The check-in and lead-capture benches draw their people from one helper: approved people the
bench has not used yet, topped up with new ones when the demo has too few."""

import pytest

from bench.badges_bench import approved_ids, fresh_tokens
from bench.leads_bench import fresh_codes
from delegates.models import CheckIn, Registration
from tests.delegates.conftest import approved_registration
from tests.factories.delegates import RegistrationFactory
from tests.factories.exhibitors import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_existing_approved_people_first_then_new_ones():
    existing = [approved_registration() for _ in range(2)]
    RegistrationFactory(status="pending")
    ids = approved_ids(Registration.objects.all(), 5, label="t", consent_every=2)
    assert ids[:2] == [r.pk for r in existing] and len(set(ids)) == 5
    made = Registration.objects.filter(pk__in=ids[2:]).order_by("pk")
    assert {r.status for r in made} == {"approved"}
    assert [r.lead_consent_at is not None for r in made] == [False, True, False]
    assert approved_ids(Registration.objects.all(), 3, label="t") == ids[:3]  # nothing made


def test_each_bench_skips_the_people_it_has_used():
    approved_registration()
    tokens = fresh_tokens(3)
    assert len(set(tokens)) == 3 and Registration.objects.count() == 3
    codes = fresh_codes(OrganizationFactory(), 4)
    assert len(set(codes)) == 4 and Registration.objects.count() == 4
    assert not CheckIn.objects.exists()
