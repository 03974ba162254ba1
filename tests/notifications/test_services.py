"""notify(), delivery, the sweep and segments, with Celery eager and a real SMTP sink."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import registries
from notifications import services
from notifications.models import Announcement, OutboundMessage
from notifications.services import Recipient, notify
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.notifications import AnnouncementFactory, OutboundMessageFactory

Status = OutboundMessage.Status
NEWS = AnnouncementFactory.build()


def news(people, key="news:1"):
    return notify(people, "notifications/announcement", {"announcement": NEWS}, key=key)


@pytest.mark.django_db
def test_notify_renders_each_recipient_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    zh = UserFactory(email="lin@example.org", language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        rows = news([zh, Recipient("guest@example.org", "en")])
    assert [r.to_email for r in rows] == ["lin@example.org", "guest@example.org"]
    assert [(r.language, r.subject) for r in rows] == [
        ("zh-hans", "注册现已开放"),
        ("en", "Registration is open"),
    ]
    assert "中关村论坛秘书处" in rows[0].body_text
    assert "Zhongguancun Forum secretariat" in rows[1].body_text
    assert "<p>2021中关村论坛现已开放注册。</p>" in rows[0].body_html
    assert rows[0].user == zh and rows[1].user is None
    assert {m.to[0]: m.subject for m in mailoutbox} == {
        "lin@example.org": "注册现已开放",
        "guest@example.org": "Registration is open",
    }
    html = {m.to[0]: m.alternatives[0].content for m in mailoutbox}
    assert "2021中关村论坛现已开放注册" in html["lin@example.org"]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_same_key_never_mails_an_address_twice(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        [first] = news([user, user])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [again] = news([user])
    assert again.pk == first.pk
    assert callbacks == []  # nothing new to send
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        news([user], key="news:2")  # another event mails again
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_rolled_back_change_queues_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                news([Recipient("undone@example.org", "en")])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not OutboundMessage.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_related_object_is_recorded():
    announcement = AnnouncementFactory()
    [row] = notify(
        [Recipient("a@example.org", "en")],
        "notifications/announcement",
        {"announcement": announcement},
        key="rel",
        related=announcement,
    )
    row = OutboundMessage.objects.get(pk=row.pk)
    assert row.related == announcement


@pytest.mark.django_db
def test_account_mails_go_through_the_outbox(client, django_capture_on_commit_callbacks):
    from accounts.services import sign_up

    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(
            email="new@example.org", password="x-Long-pass-1", name="New", language="zh-hans"
        )
    [row] = OutboundMessage.objects.filter(user=user)
    assert row.template_key == "accounts/verify"
    assert "确认" in row.subject
    assert "/zh-hans/accounts/verify/" in row.body_text
    assert row.status == Status.SENT


def queued(n, **kwargs):
    return [OutboundMessageFactory(**kwargs) for _ in range(n)]


@pytest.mark.django_db
def test_permanent_rejection_fails_that_row_and_the_batch_goes_on(smtp_sink):
    smtp_sink.handler.reject_permanently.add("gone@example.org")
    rows = [
        OutboundMessageFactory(to_email="a@example.org"),
        OutboundMessageFactory(to_email="gone@example.org"),
        OutboundMessageFactory(to_email="b@example.org"),
    ]
    report = services.deliver_messages([r.pk for r in rows])
    assert (len(report.sent), len(report.failed), report.deferred) == (2, 1, [])
    assert sorted(r for m in smtp_sink.messages for r in m.recipients) == [
        "a@example.org",
        "b@example.org",
    ]
    gone = OutboundMessage.objects.get(to_email="gone@example.org")
    assert gone.status == Status.FAILED
    assert "550" in gone.last_error and "mailbox unavailable" in gone.last_error


@pytest.mark.django_db
def test_temporary_rejection_retries_with_exponential_backoff(smtp_sink, settings):
    settings.NOTIFICATIONS_RETRY_BASE = 10
    smtp_sink.handler.reject_temporarily.add("busy@example.org")
    [row] = queued(1, to_email="busy@example.org")
    delays = []
    for _ in range(3):
        OutboundMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        report = services.deliver_messages([row.pk])
        assert report.deferred == [row.pk]
        row.refresh_from_db()
        assert row.status == Status.QUEUED and "451" in row.last_error
        delays.append(round((row.next_attempt_at - before).total_seconds() / 10))
    assert delays == [1, 2, 4]
    # Not due yet: a second task for the row does nothing.
    assert services.deliver_messages([row.pk]).deferred == []
    OutboundMessage.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now(), attempts=services.MAX_ATTEMPTS - 1
    )
    assert services.deliver_messages([row.pk]).failed == [row.pk]
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert smtp_sink.messages == []


@pytest.mark.django_db
def test_smtp_server_down_defers_the_whole_batch(settings):
    from tests.services import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    rows = queued(3)
    report = services.deliver_messages([r.pk for r in rows])
    assert sorted(report.deferred) == sorted(r.pk for r in rows)
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {(Status.QUEUED, 1)}
    assert "Connection refused" in OutboundMessage.objects.first().last_error


@pytest.mark.django_db
def test_claimed_rows_are_not_sent_by_a_second_delivery(mailoutbox):
    [row] = queued(1)
    token, claimed = services._claim([row.pk])
    assert [r.pk for r in claimed] == [row.pk]
    assert services.deliver_messages([row.pk]).sent == []  # another worker holds it
    assert mailoutbox == []


@pytest.mark.django_db
def test_sweep_requeues_stuck_rows_and_sends_forgotten_ones(mailoutbox, settings):
    settings.NOTIFICATIONS_STUCK_AFTER = 60
    long_ago = timezone.now() - timedelta(minutes=5)
    stuck = OutboundMessageFactory(status=Status.SENDING, claimed_at=long_ago)
    busy = OutboundMessageFactory(status=Status.SENDING, claimed_at=timezone.now())
    forgotten = OutboundMessageFactory(next_attempt_at=long_ago)
    later = OutboundMessageFactory(next_attempt_at=timezone.now() + timedelta(minutes=5))
    services.sweep_outbox()  # Celery eager: the re-enqueued task runs at once
    assert sorted(m.to[0] for m in mailoutbox) == sorted([stuck.to_email, forgotten.to_email])
    status = dict(OutboundMessage.objects.values_list("pk", "status"))
    assert status == {
        stuck.pk: Status.SENT,
        busy.pk: Status.SENDING,
        forgotten.pk: Status.SENT,
        later.pk: Status.QUEUED,
    }


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-sweep-outbox"]
    assert entry == {"task": "notifications.sweep_outbox", "schedule": 60.0}
    from zgcforum.celery import app

    assert "notifications.sweep_outbox" in app.tasks


@pytest.mark.django_db
def test_resend_and_cancel(mailoutbox, django_capture_on_commit_callbacks):
    failed = OutboundMessageFactory(status=Status.FAILED, attempts=8, last_error="550 no")
    waiting = OutboundMessageFactory()
    sending = OutboundMessageFactory(status=Status.SENDING)
    assert services.cancel_messages(OutboundMessage.objects.all()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_messages(OutboundMessage.objects.all()) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([failed.to_email, waiting.to_email])
    assert OutboundMessage.objects.get(pk=sending.pk).status == Status.SENDING


@pytest.mark.django_db
def test_segments_pick_their_users_and_announcements_skip_opted_out():
    en = UserFactory(language="en")
    zh = UserFactory(language="zh-hans")
    quiet = UserFactory(language="zh-hans", receives_announcements=False)
    UserFactory(language="en", is_active=False)
    boss = StaffFactory(language="en")

    def recipients(segment):
        return set(services.announcement_recipients(AnnouncementFactory.build(segment=segment)))

    assert recipients("all") == {en, zh, boss}
    assert recipients("language?language=zh-hans") == {zh}
    assert recipients("language?language=en") == {en, boss}
    assert recipients("staff") == {boss}
    assert quiet not in recipients("all")
    choices = dict(services.segment_choices())
    assert choices["language?language=zh-hans"] == "Users by language: Simplified Chinese"
    assert {"all", "staff", "language?language=en"} <= set(choices)


@pytest.mark.django_db
def test_segment_with_a_typed_parameter():
    from accounts.models import User

    registries.register_segment(
        "test.domain",
        "Users at a domain",
        lambda domain: User.objects.filter(email__endswith=f"@{domain}"),
        params={"domain": "mail domain"},
    )
    try:
        UserFactory(email="x@zgc.example")
        UserFactory(email="y@other.example")
        assert dict(services.segment_choices())["test.domain"] == "Users at a domain (mail domain)"
        users = services.segment_users("test.domain?domain=zgc.example")
        assert [u.email for u in users] == ["x@zgc.example"]
        assert services.segment_label("test.domain?domain=zgc.example") == (
            "Users at a domain: domain=zgc.example"
        )
    finally:
        registries.mail_segments.pop("test.domain")


@pytest.mark.django_db
def test_fan_out_queues_each_recipient_once_even_when_repeated(
    mailoutbox, django_capture_on_commit_callbacks
):
    users = [UserFactory(language=lang) for lang in ["en", "zh-hans", "en"]]
    UserFactory(receives_announcements=False)
    organizer = StaffFactory()
    announcement = AnnouncementFactory(segment="all")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_announcement(announcement, by=organizer)
    with pytest.raises(services.NotificationError):
        services.send_announcement(announcement, by=organizer)
    assert services.fan_out_announcement(announcement.pk, chunk=2) == 4
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert announcement.recipient_count == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted([u.email for u in [*users, organizer]])
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[users[1].email].subject == "注册现已开放"
    assert by_address[users[0].email].subject == "Registration is open"
    link = re.search(
        r"https?://\S+/notifications/unsubscribe/\S+/", by_address[users[0].email].body
    )
    assert link
    assert by_address[users[0].email].extra_headers["List-Unsubscribe"] == f"<{link.group(0)}>"


@pytest.mark.django_db
def test_erasing_an_account_blanks_its_outbox_rows():
    user = UserFactory(email="leaving@example.org")
    sent = OutboundMessageFactory(user=user, to_email=user.email, status=Status.SENT)
    waiting = OutboundMessageFactory(to_email="Leaving@example.org")
    other = OutboundMessageFactory(to_email="staying@example.org")
    assert services.erase_messages_for(user) == 2
    rows = {m.pk: m for m in OutboundMessage.objects.all()}
    assert rows[sent.pk].status == Status.SENT and rows[sent.pk].body_text == ""
    assert rows[waiting.pk].status == Status.CANCELLED
    assert "leaving" not in rows[waiting.pk].to_email.lower()
    assert rows[other.pk].to_email == "staying@example.org"


@pytest.mark.django_db
def test_a_very_long_key_still_deduplicates():
    key = "exhibitors:application:" + "x" * 500
    [first] = news([Recipient("a@example.org", "en")], key=key)
    [again] = news([Recipient("a@example.org", "en")], key=key)
    assert first.pk == again.pk and len(first.idempotency_key) <= 400


@pytest.mark.django_db
def test_a_segment_naming_a_user_twice_counts_and_mails_them_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from accounts.models import User

    user = UserFactory()
    groups = [Group.objects.create(name="jury"), Group.objects.create(name="hosts")]
    user.groups.set(groups)
    # A join: the user comes back once per group.
    registries.register_segment(
        "test.twice", "Twice", lambda: User.objects.filter(groups__in=groups)
    )
    assert services.segment_users("test.twice").count() == 2
    try:
        announcement = AnnouncementFactory(segment="test.twice")
        assert services.announcement_recipients(announcement).count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.send_announcement(announcement, by=user)
        assert [m.to for m in mailoutbox] == [[user.email]]
    finally:
        registries.mail_segments.pop("test.twice")


@pytest.mark.django_db
def test_message_id_comes_from_the_row_and_site_url_and_stays_on_resend(smtp_sink, settings):
    settings.SITE_URL = "https://forum.example.org"
    row = OutboundMessageFactory(to_email="again@example.org")
    services.deliver_messages([row.pk])
    services.resend_messages([row])  # a second copy of a sent row, as after a crash
    services.deliver_messages([row.pk])
    ids = [m.message["Message-ID"] for m in smtp_sink.wait_for(2)]
    assert ids == [f"<outbox-{row.pk}@forum.example.org>"] * 2
    other = OutboundMessageFactory()
    assert services.message_id(other) == f"<outbox-{other.pk}@forum.example.org>"
