"""Acknowledgements through the outbox: a registration received, a seat, a waitlist place; each
once, in the person's language, the row written in the service's transaction and sent after."""

import pytest

from delegates import services
from notifications.models import OutboundMessage
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _data(**fields):
    values = {"name": "Li Wei", "name_zh": "李伟", "organization": "PKU", "country": "CN"}
    values.update(fields)
    return services.RegistrationData(accepts_terms=True, **values)


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("en", "We have received your registration", "Dear Li Wei,"),
        ("zh-hans", "已收到您的中关村论坛参会报名", "尊敬的李伟："),
    ],
)
def test_a_pending_registration_is_acknowledged_once(
    delegate_category, django_capture_on_commit_callbacks, mailoutbox, language, subject, greeting
):
    user = UserFactory(email="li.wei@example.org", name="Li Wei", name_zh="李伟", language=language)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(user, _data(), category=delegate_category)
    assert registration.status == registration.Status.PENDING
    (mail,) = mailoutbox
    assert mail.to == ["li.wei@example.org"] and subject in mail.subject
    assert mail.body.startswith(greeting)
    assert "/delegates/me/" in mail.body
    rows = OutboundMessage.objects.filter(idempotency_key__startswith="registration:")
    assert [r.template_key for r in rows] == ["delegates/received"]
    with pytest.raises(services.RegistrationError):
        services.register(user, _data(), category=delegate_category)
    assert OutboundMessage.objects.count() == 1


def test_an_approved_registration_gets_the_approval_only(open_category, mailoutbox):
    user = UserFactory()
    services.register(user, _data(), category=open_category)
    assert list(OutboundMessage.objects.values_list("template_key", flat=True)) == [
        "delegates/approved"
    ]


@pytest.mark.parametrize(
    ("language", "seat", "waitlist"),
    [
        ("en", "Your seat is confirmed: Quantum round table", "number 1 on its waitlist"),
        ("zh-hans", "您的座位已确认：量子计算圆桌", "在候补名单上排第1位"),
    ],
)
def test_seat_and_waitlist_place_are_acknowledged_once(
    django_capture_on_commit_callbacks, mailoutbox, language, seat, waitlist
):
    session = rsvp_session(1, title_en="Quantum round table", title_zh_hans="量子计算圆桌")
    first = approved_delegate(email="first@example.org", language=language)
    second = approved_delegate(email="second@example.org", language=language)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reserve_seat(session, user=first)
        services.reserve_seat(session, user=second)
        # Reserving again changes nothing and mails nothing.
        services.reserve_seat(session, user=first)
        services.reserve_seat(session, user=second)
    sends = [callback for callback in callbacks if "send_messages" in repr(callback)]
    assert len(sends) == 2  # one send per new row, after commit
    by_address = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert seat in by_address["first@example.org"].subject
    assert waitlist in by_address["second@example.org"].body
    assert "/delegates/agenda/" in by_address["second@example.org"].body
    keys = sorted(OutboundMessage.objects.values_list("template_key", flat=True))
    assert keys == ["delegates/mail/seat_confirmed", "delegates/mail/waitlisted"]


def test_a_refused_reservation_writes_no_row():
    session = rsvp_session(1, rsvp_required=False)
    with pytest.raises(services.RSVPError):
        services.reserve_seat(session, user=approved_delegate())
    assert not OutboundMessage.objects.exists()


def test_a_seat_reserved_again_after_cancelling_is_acknowledged_again(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = rsvp_session(5, title_en="Carbon markets")
    user = approved_delegate(email="again@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.reserve_seat(session, user=user)
        services.cancel_rsvp(session, user=user)
        services.reserve_seat(session, user=user)
    subjects = [m.subject for m in mailoutbox if m.to == ["again@example.org"]]
    assert len(subjects) == 2
    assert all("Your seat is confirmed: Carbon markets" in s for s in subjects)
