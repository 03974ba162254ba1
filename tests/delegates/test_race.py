"""The last use of an invitation code, claimed by many people at once: exactly one wins."""

import threading

import pytest
from django.db import connection

from delegates import services
from delegates.models import Invitation, Registration
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, InvitationFactory
from tests.services import require_postgres

THREADS = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_last_use_of_a_code_goes_to_exactly_one_person():
    require_postgres()
    category = CategoryFactory(slug="vip", access="invitation", needs_approval=False)
    InvitationFactory(category=category, code="LASTSEAT", max_uses=5, uses=4)
    people = UserFactory.create_batch(THREADS)
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def claim(user):
        try:
            barrier.wait()
            data = services.RegistrationData(
                name=user.name, organization="Org", country="SG", accepts_terms=True
            )
            services.register(user, data, code="LASTSEAT")
            results.append(user.pk)
        except services.InvitationError as exc:
            errors.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert set(errors) == {"This invitation code has been used up."}
    assert Invitation.objects.get().uses == 5
    assert Registration.objects.get().user_id == results[0]
