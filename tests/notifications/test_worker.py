"""The outbox with a real Celery worker, Redis and SMTP sink (PostgreSQL)."""

import time

import pytest
from django.db import transaction

from notifications.models import OutboundMessage
from notifications.services import Recipient, notify
from tests.factories.notifications import AnnouncementFactory

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
