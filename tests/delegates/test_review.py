"""The accreditation desk approves and rejects in the admin; delegates get mail in their language."""

import pytest
from django.contrib.auth.models import Group

from delegates import services
from delegates.models import Registration
from delegates.roles import ACCREDITATION_DESK
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/delegates/registration/"
# login session, user, permissions, groups; categories to filter by, count shown and in all,
# the registrations with their categories
CHANGELIST_QUERIES = 8


@pytest.fixture
def desk(roles):
    user = StaffFactory(email="desk@zgcforum.example", name="Desk")
    user.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    return user


@pytest.fixture
def pending(delegate_category):
    zh = UserFactory(email="wang.fang@example.org", name="Wang Fang", language="zh-hans")
    en = UserFactory(email="emily.miller@example.org", name="Emily Miller", language="en")
    return [
        RegistrationFactory(user=zh, category=delegate_category, name="Wang Fang"),
        RegistrationFactory(user=en, category=delegate_category, name="Emily Miller"),
    ]


def test_bulk_approval_mails_each_delegate_in_their_language(
    client, desk, pending, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        selected = {"action": "approve_selected", "_selected_action": [r.pk for r in pending]}
        page = client.post(CHANGELIST, selected).content.decode()
        # First the confirmation: what will happen, to whom; nothing approved yet.
        assert "Approve registrations" in page and "To whom: 2 rows" in page
        assert "wang.fang@example.org" in page and "emily.miller@example.org" in page
        assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}
        response = client.post(CHANGELIST, {**selected, "confirm": "1"}, follow=True)
    assert "2 registrations approved" in response.content.decode()
    assert set(Registration.objects.values_list("status", flat=True)) == {"approved"}
    smtp_sink.wait_for(2)
    (zh,) = smtp_sink.to("wang.fang@example.org")
    (en,) = smtp_sink.to("emily.miller@example.org")
    assert "批准" in zh.subject and "参会代表" in zh.text
    assert "approved" in en.subject and "Delegate" in en.text


def test_single_approval_from_the_change_page(client, desk, pending, mailoutbox):
    client.force_login(desk)
    registration = pending[1]
    page = client.get(f"{CHANGELIST}{registration.pk}/change/").content.decode()
    assert f"{CHANGELIST}{registration.pk}/approve/" in page
    assert client.get(f"{CHANGELIST}{registration.pk}/approve/").status_code == 403  # POST only
    confirm = client.post(f"{CHANGELIST}{registration.pk}/approve/").content.decode()
    assert "To whom: 1 row" in confirm and "emily.miller@example.org" in confirm
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    client.post(f"{CHANGELIST}{registration.pk}/approve/", {"confirm": "1"})
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert registration.reviewed_by == desk


def test_rejection_needs_a_reason_from_the_intermediate_form(
    client, desk, pending, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    ids = [r.pk for r in pending]
    response = client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": ids})
    assert response.status_code == 200
    assert "Reason for rejection" in response.content.decode()
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}
    # An empty reason is a form error; nothing changes.
    response = client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": ids, "reason": " ", "confirm": "1"},
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGELIST,
            {
                "action": "reject_selected",
                "_selected_action": ids,
                "reason": "The organization could not be verified.",
                "confirm": "1",
            },
        )
    assert set(Registration.objects.values_list("status", flat=True)) == {"rejected"}
    smtp_sink.wait_for(2)
    (en,) = smtp_sink.to("emily.miller@example.org")
    assert "The organization could not be verified." in en.text
    (zh,) = smtp_sink.to("wang.fang@example.org")
    assert "原因" in zh.text


def test_single_rejection_page(client, desk, pending):
    client.force_login(desk)
    url = f"{CHANGELIST}{pending[0].pk}/reject/"
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Closed.", "confirm": "1"})
    pending[0].refresh_from_db()
    assert pending[0].status == Registration.Status.REJECTED
    assert pending[0].rejection_reason == "Closed."


def test_illegal_transition_is_refused(pending, desk):
    services.approve_registration(pending[0], by=desk)
    with pytest.raises(services.RegistrationError):
        services.approve_registration(pending[0], by=desk)
    with pytest.raises(services.RegistrationError):
        services.reject_registration(pending[1], by=desk, reason="")


def test_people_without_the_desk_role_cannot_review(client, pending):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(f"{CHANGELIST}{pending[0].pk}/approve/").status_code == 403
    assert client.get(f"{CHANGELIST}{pending[0].pk}/reject/").status_code == 403
    pending[0].refresh_from_db()
    assert pending[0].status == Registration.Status.PENDING


def test_registration_changelist_queries_do_not_grow(client, desk, delegate_category):
    client.force_login(desk)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(CHANGELIST),
        lambda n: RegistrationFactory.create_batch(n, category=delegate_category),
        budget=CHANGELIST_QUERIES,
        n=3,
    )
    assert first.status_code == second.status_code == 200
    assert [len(r.context["cl"].result_list) for r in (first, second)] == [3, 9]
