"""Every write to the outbox: queue mail (``notify``), deliver it, sweep it, announce.

Other apps call ``notify`` inside their own transaction; rows are written there and the Celery task
is enqueued only after commit, so a rollback sends nothing and a worker never sees an uncommitted
row. A broker that is down at commit leaves the row queued for the beat sweep.
"""

import hashlib
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from core.dispatch import delay_on_commit
from core.registries import MailSegment, mail_segments

from .models import Announcement, OutboundMessage

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 8
ANNOUNCEMENT_TEMPLATE = "notifications/announcement"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"

Status = OutboundMessage.Status


class NotificationError(Exception):
    """A request about mail that cannot be carried out; the message is shown to the user."""


@dataclass(frozen=True)
class Recipient:
    """An address to mail; ``user`` is set when the address belongs to an account."""

    email: str
    language: str
    user: User | None = None


def _retry_base() -> float:
    return float(getattr(settings, "NOTIFICATIONS_RETRY_BASE", 60))


def _stuck_after() -> float:
    return float(getattr(settings, "NOTIFICATIONS_STUCK_AFTER", 300))


# --- Rendering ------------------------------------------------------------------------------
def _template_base(template_key: str) -> str:
    app, _sep, name = template_key.partition("/")
    name = name.removeprefix("mail/")
    return f"{app}/mail/{name}"


@lru_cache(maxsize=256)
def _has_html(base: str) -> bool:
    try:
        get_template(f"{base}.html")
    except TemplateDoesNotExist:
        return False
    return True


def render_message(template_key: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of a template in one language; html is "" without a .html part."""
    base = _template_base(template_key)
    with translation.override(language):
        subject = render_to_string(f"{base}.subject.txt", context)
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context) if _has_html(base) else ""
    subject = " ".join(subject.split())[:300]
    return subject, text, html


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User, language: str | None = None) -> str:
    with translation.override(language or user.language):
        path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return f"{settings.SITE_URL}{path}"


def _as_recipient(person) -> Recipient:
    if isinstance(person, Recipient):
        return person
    return Recipient(email=person.email, language=person.language, user=person)


def _dispatch_on_commit(ids: list[int]) -> None:
    from .tasks import send_messages as send_task

    for start in range(0, len(ids), BATCH_SIZE):
        # robust: a broker that is down must not turn the caller's saved change into a 500;
        # the row stays queued and the beat sweep enqueues it later.
        delay_on_commit(send_task, ids[start : start + BATCH_SIZE])


def _full_key(key: str, email: str) -> str:
    """The row's idempotency key; a very long one is hashed to fit the column."""
    full = f"{key}:{email}"
    if len(full) <= 400:
        return full
    return f"sha256:{hashlib.sha256(full.encode()).hexdigest()}"


@transaction.atomic(savepoint=False)  # inside a caller's transaction: no savepoint round trips
def notify(
    recipients: Iterable,
    template_key: str,
    context: dict,
    *,
    key: str,
    related=None,
    fresh: bool = False,
) -> list[OutboundMessage]:
    """Queue one rendered message per recipient, sent after the caller commits.

    The row for ``f"{key}:{email}"`` is created once: a repeat returns it and sends nothing new.
    ``fresh=True`` says the key is new by construction (it names a row the caller has just
    created, as ``rsvp:<pk>:confirmed``): nothing is looked up, the rows are inserted as they are.
    """
    people = [_as_recipient(p) for p in recipients]
    if not people:
        return []
    keys = [_full_key(key, p.email) for p in people]
    if fresh:
        existing = {}
    else:
        existing = dict.fromkeys(
            OutboundMessage.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
    content_type = ContentType.objects.get_for_model(related) if related is not None else None
    new_rows = []
    for person, full_key in zip(people, keys, strict=True):
        if full_key in existing:
            continue
        ctx = {**context, "recipient": person, "site_url": settings.SITE_URL}
        headers = {}
        if person.user is not None and template_key == ANNOUNCEMENT_TEMPLATE:
            url = unsubscribe_url(person.user, person.language)
            ctx["unsubscribe_url"] = url
            headers = {
                "List-Unsubscribe": f"<{url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk",
            }
        subject, text, html = render_message(template_key, ctx, language=person.language)
        new_rows.append(
            OutboundMessage(
                to_email=person.email,
                user=person.user,
                language=person.language,
                template_key=template_key,
                subject=subject,
                body_text=text,
                body_html=html,
                headers=headers,
                content_type=content_type,
                object_id=related.pk if related is not None else None,
                idempotency_key=full_key,
            )
        )
        existing[full_key] = None  # the same address twice in one call is one message
    if fresh:
        # a conflict here is a caller's bug (the key was not new): it fails loudly
        created = OutboundMessage.objects.bulk_create(new_rows)
        _dispatch_on_commit([m.pk for m in created])
        return created
    if new_rows:
        # ON CONFLICT DO NOTHING: a concurrent caller with the same key waits for our commit and
        # then inserts nothing, instead of failing its transaction.
        OutboundMessage.objects.bulk_create(new_rows, ignore_conflicts=True)
    new_keys = [m.idempotency_key for m in new_rows]
    rows = {m.idempotency_key: m for m in OutboundMessage.objects.filter(idempotency_key__in=keys)}
    _dispatch_on_commit(
        [rows[k].pk for k in new_keys if k in rows and rows[k].status == Status.QUEUED]
    )
    seen, result = set(), []
    for k in keys:
        if k in rows and k not in seen:
            seen.add(k)
            result.append(rows[k])
    return result


# --- Delivery -------------------------------------------------------------------------------
@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    retry_in: float | None = None


def _claim(ids: Iterable[int]) -> tuple[str, list[OutboundMessage]]:
    """Mark due queued rows as ours; rows another worker holds are skipped, not waited for."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(ids), status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("pk")
        )
        for row in rows:
            row.status, row.claim_token, row.claimed_at = Status.SENDING, token, now
            row.attempts += 1
        OutboundMessage.objects.bulk_update(
            rows, ["status", "claim_token", "claimed_at", "attempts"]
        )
    return token, rows


def _mine(row: OutboundMessage, token: str):
    return OutboundMessage.objects.filter(pk=row.pk, status=Status.SENDING, claim_token=token)


def message_id(row: OutboundMessage) -> str:
    """The row's Message-ID, the same on every attempt of it.

    SMTP is at-least-once: a worker killed between the server's "250" and marking the row sent
    sends it again, and receivers recognise the copy by this header and can drop it.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{row.pk}@{host}>"


def _email(row: OutboundMessage, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        to=[row.to_email],
        connection=connection,
        headers={
            "X-ZGC-Message": str(row.pk),
            **(row.headers or {}),
            "Message-ID": message_id(row),
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _smtp_code(exc: Exception, address: str) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = exc.recipients.get(address, next(iter(exc.recipients.values()), (None, b"")))[0]
        return code
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error
        msg = msg.decode(errors="replace") if isinstance(msg, bytes) else str(msg)
        return f"{exc.smtp_code} {msg}"
    return f"{type(exc).__name__}: {exc}"


def _backoff(attempts: int) -> float:
    return _retry_base() * (2 ** max(attempts - 1, 0))


def _defer(row: OutboundMessage, token: str, error: str, report: DeliveryReport) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _mine(row, token).update(status=Status.FAILED, last_error=error, claim_token="")
        report.failed.append(row.pk)
        return
    delay = _backoff(row.attempts)
    _mine(row, token).update(
        status=Status.QUEUED,
        last_error=error,
        claim_token="",
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    report.deferred.append(row.pk)
    report.retry_in = delay if report.retry_in is None else min(report.retry_in, delay)


def _refresh_claims(rows: list[OutboundMessage], token: str) -> set[int]:
    """Heartbeat for a long batch: the sweep only takes rows whose claim went stale."""
    mine = OutboundMessage.objects.filter(
        pk__in=[row.pk for row in rows], status=Status.SENDING, claim_token=token
    )
    ids = set(mine.values_list("pk", flat=True))
    mine.update(claimed_at=timezone.now())
    return ids


def deliver_messages(ids: Iterable[int]) -> DeliveryReport:
    """Send the due queued rows among ``ids`` over one SMTP connection.

    Each row is marked sent right after the server accepts it, so a worker killed mid-batch
    leaves at most the message in flight to be sent again. 5xx answers fail the row for good,
    4xx answers and connection errors queue it again with exponential back-off.
    """
    report = DeliveryReport()
    token, rows = _claim(ids)
    if not rows:
        return report
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _defer(row, token, _describe(exc), report)
        return report
    still_mine, refreshed = {row.pk for row in rows}, time.monotonic()
    try:
        for index, row in enumerate(rows):
            if time.monotonic() - refreshed > _stuck_after() / 4:
                still_mine, refreshed = _refresh_claims(rows[index:], token), time.monotonic()
            if row.pk not in still_mine:
                continue
            try:
                _email(row, connection).send()
            except (OSError, smtplib.SMTPException) as exc:
                code = _smtp_code(exc, row.to_email)
                if code is not None and 500 <= code < 600:
                    _mine(row, token).update(
                        status=Status.FAILED, last_error=_describe(exc), claim_token=""
                    )
                    report.failed.append(row.pk)
                    continue
                _defer(row, token, _describe(exc), report)
                if code is None:  # the connection is gone: give the rest back as well
                    for rest in rows[index + 1 :]:
                        _defer(rest, token, _describe(exc), report)
                    break
                continue
            _mine(row, token).update(
                status=Status.SENT, sent_at=timezone.now(), claim_token="", last_error=""
            )
            report.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            logger.warning("closing the SMTP connection failed", exc_info=True)
    return report


def sweep_outbox() -> list[int]:
    """Queue again rows stuck in ``sending`` and enqueue queued rows nobody picked up.

    Both happen when the broker was down at commit or a worker died holding a batch.
    """
    from .tasks import send_messages as send_task

    cutoff = timezone.now() - timedelta(seconds=_stuck_after())
    with transaction.atomic():
        stuck = OutboundMessage.objects.select_for_update(skip_locked=True).filter(
            status=Status.SENDING, claimed_at__lt=cutoff
        )
        stuck_ids = list(stuck.values_list("pk", flat=True))
        OutboundMessage.objects.filter(pk__in=stuck_ids).update(
            status=Status.QUEUED, claim_token="", next_attempt_at=timezone.now()
        )
    # Rows queued within the last minute normally have their task on its way already.
    grace = timedelta(seconds=min(_stuck_after(), 60))
    due = list(
        OutboundMessage.objects.filter(
            status=Status.QUEUED, next_attempt_at__lte=timezone.now() - grace
        ).values_list("pk", flat=True)
    )
    due = sorted(set(due) | set(stuck_ids))
    for start in range(0, len(due), BATCH_SIZE):
        send_task.delay(due[start : start + BATCH_SIZE])
    return due


@transaction.atomic
def resend_messages(messages: Iterable[OutboundMessage]) -> int:
    """Queue finished rows (sent, failed or cancelled) to go out once more."""
    ids = list(
        OutboundMessage.objects.select_for_update()
        .filter(pk__in=[m.pk for m in messages])
        .exclude(status__in=[Status.QUEUED, Status.SENDING])
        .values_list("pk", flat=True)
    )
    OutboundMessage.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, last_error="", next_attempt_at=timezone.now()
    )
    _dispatch_on_commit(ids)
    return len(ids)


@transaction.atomic
def cancel_messages(messages: Iterable[OutboundMessage]) -> int:
    """Cancel rows still waiting in the queue; rows being sent or done stay as they are."""
    ids = list(
        OutboundMessage.objects.select_for_update()
        .filter(pk__in=[m.pk for m in messages], status=Status.QUEUED)
        .values_list("pk", flat=True)
    )
    return OutboundMessage.objects.filter(pk__in=ids).update(status=Status.CANCELLED)


# --- Segments and announcements -------------------------------------------------------------
def segments() -> dict[str, MailSegment]:
    """Every segment the apps registered (``core.registries.register_segment``), by key."""
    return dict(mail_segments)


def _is_free_text(options) -> bool:
    return isinstance(options, str | Promise)


def free_text_params(key: str) -> dict[str, str]:
    """Parameters of a segment the organizer types in: name -> description."""
    segment = mail_segments.get(key)
    if segment is None or not segment.params:
        return {}
    return {name: str(desc) for name, desc in segment.params.items() if _is_free_text(desc)}


def segment_options() -> list[tuple[str, str, str]]:
    """Every segment with each combination of its listed parameters: (value, label, group).

    The group is the segment's name, followed by the group a parameter option names when it
    has a third element (a session's event). Parameters typed in are left out of the value
    (``key?listed=…``) and asked for separately.
    """
    options_out = []
    for segment in mail_segments.values():
        combos = [({}, [], [])]
        typed = []
        for name, options in (segment.params or {}).items():
            if _is_free_text(options):
                typed.append(str(options))
                continue
            options = options() if callable(options) else options
            combos = [
                ({**values, name: option[0]}, [*labels, str(option[1])], [*groups, *option[2:]])
                for values, labels, groups in combos
                for option in options
            ]
        for values, labels, groups in combos:
            value = f"{segment.key}?{urlencode(values)}" if values else segment.key
            if labels:
                comma = pgettext("between a recipient group's choices", ", ")
                label = pgettext("a recipient group and its choices", "%(group)s: %(choices)s") % {
                    "group": segment.label,
                    "choices": comma.join(labels),
                }
            else:
                label = str(segment.label)
            if typed:
                label = f"{label} ({', '.join(typed)})"
            group = " — ".join([str(segment.label), *map(str, groups)])
            options_out.append((value, label, group))
    return options_out


def segment_choices() -> list[tuple[str, str]]:
    """Every segment with each combination of its listed parameters, as form choices."""
    return [(value, label) for value, label, _group in segment_options()]


def segment_label(value: str, *, choices: dict[str, str] | None = None) -> str:
    """A stored segment value in words, e.g. "Users by language: English".

    ``choices``: ``dict(segment_choices())`` read once by a caller labelling many values (a list
    page); without it each call reads every segment's choices. A value the choices no longer hold
    (its row deleted, or a parameter typed in) is named by its segment and raw parameters, e.g.
    "Members of a delegation: delegation=42".
    """
    labels = dict(segment_choices()) if choices is None else choices
    if value in labels:
        return labels[value]
    key, _sep, query = value.partition("?")
    segment = mail_segments.get(key)
    if segment is None:
        return value
    params = ", ".join(f"{name}={val}" for name, val in parse_qsl(query))
    return f"{segment.label}: {params}" if params else str(segment.label)


def segment_users(value: str) -> models.QuerySet:
    """The users a stored segment value names, before opt-outs are removed."""
    key, _sep, query = value.partition("?")
    try:
        segment = mail_segments[key]
    except KeyError as exc:
        raise NotificationError(_("This group of recipients no longer exists.")) from exc
    return segment.users(**dict(parse_qsl(query)))


def announcement_recipients(announcement: Announcement) -> models.QuerySet:
    """Active users of the segment who still take announcements, each once."""
    # A subquery: a segment that joins (registrations, sessions) may name a user twice.
    members = segment_users(announcement.segment).values("pk")
    return User.objects.filter(
        pk__in=members, is_active=True, receives_announcements=True
    ).order_by("pk")


@transaction.atomic
def send_announcement(announcement: Announcement, *, by: User) -> Announcement:
    """Mark a draft as sending; the fan-out task queues its messages after commit."""
    from .tasks import fan_out_announcement

    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.status != Announcement.Status.DRAFT:
        raise NotificationError(_("This announcement has already been sent."))
    segment_users(announcement.segment)  # raises for a segment that is gone
    announcement.status = Announcement.Status.SENDING
    announcement.sent_by = by
    announcement.send_requested_at = timezone.now()
    announcement.save(update_fields=["status", "sent_by", "send_requested_at"])
    delay_on_commit(fan_out_announcement, announcement.pk)
    return announcement


def fan_out_announcement(announcement_id: int, *, chunk: int = 500) -> int:
    """Queue one message per recipient; safe to run again (the key makes repeats no-ops)."""
    announcement = Announcement.objects.get(pk=announcement_id)
    if announcement.status == Announcement.Status.DRAFT:
        return 0
    users = announcement_recipients(announcement).only("pk", "email", "language")
    total, last_pk = 0, 0
    while True:
        batch = list(users.filter(pk__gt=last_pk)[:chunk])
        if not batch:
            break
        last_pk = batch[-1].pk
        with transaction.atomic():
            total += len(
                notify(
                    batch,
                    ANNOUNCEMENT_TEMPLATE,
                    {"announcement": announcement},
                    key=f"announcement:{announcement.pk}",
                    related=announcement,
                )
            )
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
        announcement.recipient_count = total
        announcement.fanned_out_at = timezone.now()
        announcement.status = Announcement.Status.SENT
        announcement.save(update_fields=["recipient_count", "fanned_out_at", "status"])
    return total


def fan_out_pending() -> list[int]:
    """Announcements stuck in sending (broker down at commit): enqueue their fan-out again."""
    from .tasks import fan_out_announcement as fan_out_task

    cutoff = timezone.now() - timedelta(seconds=_stuck_after())
    ids = list(
        Announcement.objects.filter(
            status=Announcement.Status.SENDING, send_requested_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        fan_out_task.delay(pk)
    return ids


def sample_messages(announcement: Announcement) -> list[dict]:
    """The announcement as it will read in each language (with a sample unsubscribe link)."""
    samples = []
    for code, name in settings.LANGUAGES:
        sample = Recipient(email="recipient@example.org", language=code)
        ctx = {
            "announcement": announcement,
            "recipient": sample,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": f"{settings.SITE_URL}/…",
        }
        subject, text, html = render_message(ANNOUNCEMENT_TEMPLATE, ctx, language=code)
        samples.append({"language": code, "name": name, "subject": subject, "text": text})
    return samples


@transaction.atomic
def unsubscribe(token: str) -> User:
    """Turn announcements off for the account a valid link names (repeat clicks are fine)."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise NotificationError(_("This unsubscribe link is not valid.")) from exc
    user = User.objects.select_for_update().filter(pk=pk).first()
    if user is None:
        raise NotificationError(_("This unsubscribe link is not valid."))
    if user.receives_announcements:
        user.receives_announcements = False
        user.save(update_fields=["receives_announcements"])
    return user


def user_from_unsubscribe_token(token: str) -> User:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise NotificationError(_("This unsubscribe link is not valid.")) from exc
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise NotificationError(_("This unsubscribe link is not valid."))
    return user


@transaction.atomic
def erase_messages_for(user: User) -> int:
    """Blank the outbox rows of an account whose personal data is deleted; returns rows changed.

    Rows keep their status and dates (the counts stay right); queued ones are cancelled. Match
    by account and by its current address, so call this before the address is anonymised.
    """
    rows = OutboundMessage.objects.select_for_update().filter(
        models.Q(user=user) | models.Q(to_email__iexact=user.email)
    )
    ids = list(rows.values_list("pk", flat=True))
    OutboundMessage.objects.filter(pk__in=ids, status=Status.QUEUED).update(status=Status.CANCELLED)
    return OutboundMessage.objects.filter(pk__in=ids).update(
        to_email="erased@anonymised.invalid",
        subject="—",
        body_text="",
        body_html="",
        headers={},
        last_error="",
    )
