from datetime import date

import pytest
from django.contrib.auth.models import Group

from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.factories.events import ForumFactory

PASSPORT = "C7XK42Q19"


@pytest.fixture
def forum(db):
    return ForumFactory()  # 2021-09-24 to 2021-09-28


@pytest.fixture
def delegate(forum):
    user = UserFactory(email="maria.garcia@example.org", name="Maria Garcia Lopez")
    return RegistrationFactory(user=user, status="approved", country="ES", name=user.name)


def request_post(**overrides) -> dict:
    data = {
        "passport_name": "GARCIA LOPEZ Maria",
        "nationality": "ES",
        "passport_number": PASSPORT,
        "date_of_birth": "1984-03-17",
        "passport_expires_on": "2027-01-31",
        "entry_on": "2021-09-22",
        "exit_on": "2021-09-30",
        "consular_post": "Embassy of China in Madrid",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def request_data(**overrides) -> dict:
    data = {
        "passport_name": "GARCIA LOPEZ Maria",
        "nationality": "ES",
        "passport_number": PASSPORT,
        "date_of_birth": date(1984, 3, 17),
        "passport_expires_on": date(2027, 1, 31),
        "entry_on": date(2021, 9, 22),
        "exit_on": date(2021, 9, 30),
        "consular_post": "Embassy of China in Madrid",
    }
    data.update(overrides)
    return data


@pytest.fixture
def visa_desk(roles):
    from visa.roles import VISA_DESK

    user = StaffFactory(email="visa@zgcforum.example", name="Visa Officer")
    user.groups.add(Group.objects.get(name=VISA_DESK))
    return user


@pytest.fixture
def submitted(delegate):
    from visa import services

    return services.submit_request(delegate, request_data())


@pytest.fixture
def issued(submitted, visa_desk):
    from visa import services

    return services.approve_request(submitted, by=visa_desk)
