"""The outbox with a real Celery worker, Redis and SMTP sink (PostgreSQL)."""

import asyncio
import threading
import time

import pytest
from django.db import transaction
from django.urls import reverse

from notifications.models import Announcement, OutboundMessage
from notifications.services import Recipient, notify
from notifications.tasks import sweep_outbox
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.notifications import AnnouncementFactory
from tests.services import free_port, require_postgres, require_redis
from tests.smtp import SinkHandler, SMTPSink
from tests.worker import RedisServer, publishing_to, queue_name

pytestmark = pytest.mark.worker

Status = OutboundMessage.Status


def news(to, key, language="en"):
    """Queue one announcement-style mail to a bare address (no account)."""
    people = [Recipient(address, language) for address in ([to] if isinstance(to, str) else to)]
    return notify(people, "notifications/announcement", {"announcement": NEWS}, key=key)


NEWS = AnnouncementFactory.build()


def wait_until(predicate, timeout=15.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def statuses():
    return dict(OutboundMessage.objects.values_list("to_email", "status"))


def test_committed_change_sends_exactly_one_mail_rolled_back_none(celery_worker, smtp_sink):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        news("undone@example.org", "t:1")
        raise Rollback

    with transaction.atomic():
        news("done@example.org", "t:2", "zh-hans")
    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["done@example.org"]
    # The same event again: nothing new is queued or sent.
    with transaction.atomic():
        news("done@example.org", "t:2", "zh-hans")
    assert wait_until(lambda: statuses() == {"done@example.org": Status.SENT})
    time.sleep(0.5)
    assert [m.recipients for m in smtp_sink.messages] == [["done@example.org"]]
    assert not OutboundMessage.objects.filter(to_email="undone@example.org").exists()


def rows_by_email():
    return {m.to_email: m for m in OutboundMessage.objects.all()}


def delivered_once(sink, addresses):
    """Every address got exactly one message and nobody else got any."""
    received = sorted(r for m in sink.messages for r in m.recipients)
    return received == sorted(addresses)


@pytest.fixture
def shared_redis():
    require_postgres()
    return require_redis()


def test_smtp_server_down_then_up_every_message_arrives_once(worker_factory, shared_redis):
    port = free_port()
    queue = queue_name()
    addresses = [f"patient{i}@example.org" for i in range(3)]
    with publishing_to(shared_redis, queue):
        worker_factory(
            broker_url=shared_redis,
            smtp_port=port,
            queue=queue,
            env={"NOTIFICATIONS_RETRY_BASE": "0.3", "NOTIFICATIONS_STUCK_AFTER": "30"},
        )
        with transaction.atomic():
            news(addresses, "down:1")
        # The server is down: the worker tried, recorded the error and queued the rows again.
        assert wait_until(
            lambda: all(
                m.attempts >= 2 and m.status == Status.QUEUED and "refused" in m.last_error.lower()
                for m in OutboundMessage.objects.all()
            )
        ), [(m.status, m.attempts, m.last_error) for m in OutboundMessage.objects.all()]
        sink = SMTPSink(port=port).start()
        try:
            sink.wait_for(3)
            assert wait_until(
                lambda: (
                    set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
                )
            )
            time.sleep(0.5)
            assert delivered_once(sink, addresses)
        finally:
            sink.stop()


def test_redis_down_at_commit_request_succeeds_and_the_sweep_sends_later(
    client, worker_factory, smtp_sink
):
    require_postgres()
    redis = RedisServer().start()
    queue = queue_name()
    try:
        redis.stop()
        with publishing_to(redis.url, queue):
            response = client.post(
                reverse("accounts:signup"),
                {
                    "email": "offline@example.org",
                    "name": "Off Line",
                    "language": "en",
                    "password1": "Blue-Harbour-2021",
                    "password2": "Blue-Harbour-2021",
                },
            )
            assert response.status_code == 302  # the sign-up is saved, not a 500
            [row] = OutboundMessage.objects.all()
            assert (row.to_email, row.status, row.attempts) == ("offline@example.org", "queued", 0)

            redis.start()
            worker_factory(
                broker_url=redis.url,
                smtp_port=smtp_sink.port,
                queue=queue,
                env={"NOTIFICATIONS_STUCK_AFTER": "0.5"},
            )
            time.sleep(0.6)  # the row is now older than the sweep's grace period
            assert smtp_sink.messages == []  # nothing sends it but the sweep
            sweep_outbox.delay()  # what beat does every minute
            [mail] = smtp_sink.wait_for(1)
            assert mail.recipients == ["offline@example.org"]
            assert "/accounts/verify/" in mail.text
            assert wait_until(lambda: OutboundMessage.objects.get().status == Status.SENT)
    finally:
        redis.stop()


class SlowHandler(SinkHandler):
    """Takes its time over each recipient; flags when the n-th one is being handled."""

    def __init__(self, delay: float, flag_at: int):
        super().__init__()
        self.delay, self.flag_at, self.seen = delay, flag_at, 0
        self.reached = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.seen += 1
        if self.seen == self.flag_at:
            self.reached.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_worker_killed_mid_batch_every_message_arrives_exactly_once(worker_factory, shared_redis):
    addresses = [f"batch{i:02d}@example.org" for i in range(10)]
    sink = SMTPSink()
    sink.handler = sink.controller.handler = SlowHandler(delay=0.3, flag_at=4)
    sink.start()
    queue = queue_name()
    try:
        with publishing_to(shared_redis, queue):
            first = worker_factory(
                broker_url=shared_redis, smtp_port=sink.port, queue=queue, concurrency=1
            )
            with transaction.atomic():
                news(addresses, "batch:1")
            assert sink.handler.reached.wait(20)
            first.kill()  # while the 4th message is in flight
            assert len(sink.messages) == 3
            assert OutboundMessage.objects.filter(status=Status.SENDING).count() == 7

            sink.handler.delay = 0
            worker_factory(
                broker_url=shared_redis,
                smtp_port=sink.port,
                queue=queue,
                env={"NOTIFICATIONS_STUCK_AFTER": "0.5"},
            )
            time.sleep(0.6)
            sweep_outbox.delay()
            sink.wait_for(10)
            assert wait_until(
                lambda: (
                    set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
                )
            )
            time.sleep(0.5)
            assert delivered_once(sink, addresses)
    finally:
        sink.stop()


def test_permanent_rejection_fails_with_the_error_in_admin_and_the_batch_goes_on(
    celery_worker, smtp_sink, client
):
    smtp_sink.handler.reject_permanently.add("gone@example.org")
    addresses = ["first@example.org", "gone@example.org", "last@example.org"]
    with transaction.atomic():
        news(addresses, "perm:1")
    smtp_sink.wait_for(2)
    assert wait_until(
        lambda: (
            dict(OutboundMessage.objects.values_list("to_email", "status"))
            == {
                "first@example.org": Status.SENT,
                "gone@example.org": Status.FAILED,
                "last@example.org": Status.SENT,
            }
        )
    )
    assert delivered_once(smtp_sink, ["first@example.org", "last@example.org"])
    gone = OutboundMessage.objects.get(to_email="gone@example.org")
    assert gone.attempts == 1  # a permanent error is not retried
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(
        reverse("admin:notifications_outboundmessage_changelist"), {"status__exact": "failed"}
    ).content.decode()
    assert "gone@example.org" in changelist and "first@example.org" not in changelist
    detail = client.get(
        reverse("admin:notifications_outboundmessage_change", args=[gone.pk])
    ).content.decode()
    assert "550 5.1.1 mailbox unavailable" in detail


def test_announcement_reaches_exactly_its_segment_in_each_language(
    celery_worker, smtp_sink, client
):
    organizer = UserFactory(
        email="organizer@zgcforum.example", is_staff=True, is_superuser=True, language="en"
    )
    staff_zh = StaffFactory(email="mishu@zgcforum.example", language="zh-hans")
    StaffFactory(email="quiet@zgcforum.example", receives_announcements=False)
    UserFactory(email="visitor@example.org", language="zh-hans")  # not staff
    client.force_login(organizer)
    response = client.post(
        reverse("admin:notifications_announcement_add"),
        {
            "segment": "staff",
            "subject_en": "Staff briefing on Friday",
            "body_en": "Hall A at 9:00.",
            "subject_zh_hans": "周五工作人员简报会",
            "body_zh_hans": "上午9点，A厅。",
            "_continue": "1",
        },
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    send = reverse("admin:notifications_announcement_send", args=[announcement.pk])
    assert "To whom: 2 rows" in client.post(send).content.decode()
    client.post(send, {"confirm": "1"})
    smtp_sink.wait_for(2)
    assert wait_until(lambda: OutboundMessage.objects.filter(status=Status.SENT).count() == 2)
    time.sleep(0.5)
    assert delivered_once(smtp_sink, [organizer.email, staff_zh.email])
    [en] = smtp_sink.to(organizer.email)
    [zh] = smtp_sink.to(staff_zh.email)
    assert (en.subject, zh.subject) == ("Staff briefing on Friday", "周五工作人员简报会")
    assert "上午9点，A厅。" in zh.text and "A厅" in zh.html
    assert "/zh-hans/notifications/unsubscribe/" in zh.text
    assert zh.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = client.get(
        reverse("admin:notifications_announcement_change", args=[announcement.pk])
    ).content.decode()
    assert "Final tally" in page and '<td id="tally-sent">2</td>' in page


class AcceptsThenHangs(SinkHandler):
    """Keeps each message, then holds back the "250" until told: a crash in between looks to
    the sender like a message never accepted, though the receiver has it."""

    def __init__(self):
        super().__init__()
        self.hang = True
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        while self.hang:
            self.holding.set()
            await asyncio.sleep(0.05)
        return answer


def test_message_resent_after_a_crash_has_the_same_message_id(worker_factory, shared_redis):
    sink = SMTPSink()
    sink.handler = sink.controller.handler = AcceptsThenHangs()
    sink.start()
    queue = queue_name()
    env = {"SITE_URL": "https://forum.example.org"}
    try:
        with publishing_to(shared_redis, queue):
            first = worker_factory(
                broker_url=shared_redis, smtp_port=sink.port, queue=queue, concurrency=1, env=env
            )
            with transaction.atomic():
                [row] = news("twice@example.org", "crash:1")
            assert sink.handler.holding.wait(20)
            first.kill()  # the receiver has the mail; the row still says "sending"
            sink.handler.hang = False
            assert OutboundMessage.objects.get().status == Status.SENDING

            worker_factory(
                broker_url=shared_redis,
                smtp_port=sink.port,
                queue=queue,
                env={**env, "NOTIFICATIONS_STUCK_AFTER": "0.5"},
            )
            time.sleep(0.6)
            sweep_outbox.delay()
            first_copy, second_copy = sink.wait_for(2)
            assert wait_until(lambda: OutboundMessage.objects.get().status == Status.SENT)
    finally:
        sink.stop()
    # SMTP is at-least-once: the same mail twice, recognisable as one by its Message-ID.
    expected = f"<outbox-{row.pk}@forum.example.org>"
    assert first_copy.message["Message-ID"] == second_copy.message["Message-ID"] == expected
    assert first_copy.recipients == second_copy.recipients == ["twice@example.org"]
