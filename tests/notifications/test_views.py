"""Unsubscribe link and the admin pages: outbox list and detail, announcement compose and send."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import FORUM_SECRETARIAT
from core import registries
from notifications import services
from notifications.models import Announcement, OutboundMessage
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.notifications import AnnouncementFactory, OutboundMessageFactory
from tests.queries import assert_queries_do_not_grow

Status = OutboundMessage.Status


def unsubscribe_link(user) -> str:
    announcement = AnnouncementFactory()
    [row] = services.notify(
        [user], "notifications/announcement", {"announcement": announcement}, key="u"
    )
    url = re.search(r"https?://\S+/notifications/unsubscribe/\S+/", row.body_text).group(0)
    return url.split("127.0.0.1:8000", 1)[1]


@pytest.mark.django_db
def test_unsubscribe_link_works_without_login(client):
    user = UserFactory(email="reader@example.org", language="zh-hans")
    path = unsubscribe_link(user)
    assert path.startswith("/zh-hans/notifications/unsubscribe/")
    page = client.get(path)
    assert page.status_code == 200
    assert "退订" in page.content.decode()
    user.refresh_from_db()
    assert user.receives_announcements  # opening the page (or a link scanner) changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert "reader@example.org将不再收到公告" in done.content.decode()
    user.refresh_from_db()
    assert not user.receives_announcements
    assert client.post(path).status_code == 200  # a second click is fine


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forge",
    [
        lambda user: signing.dumps(user.pk, salt="something-else"),
        lambda user: signing.dumps(user.pk, salt="notifications.unsubscribe", key="x" * 50),
        lambda user: services.unsubscribe_token(user).replace(":", ":A", 1),
        lambda user: "not-a-token",
    ],
)
def test_unsubscribe_link_cannot_be_forged(client, forge):
    user = UserFactory()
    path = reverse("notifications:unsubscribe", kwargs={"token": forge(user)})
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in response.content.decode()
    user.refresh_from_db()
    assert user.receives_announcements


@pytest.mark.django_db
def test_profile_opt_out_stops_announcements(client, django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"name": user.name, "language": "en"})
    user.refresh_from_db()
    assert not user.receives_announcements
    announcement = AnnouncementFactory(segment="all")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_announcement(announcement, by=StaffFactory(receives_announcements=False))
    assert not OutboundMessage.objects.exists()


@pytest.fixture
def organizer(db):
    return UserFactory(is_staff=True, is_superuser=True)


# login session, user, the templates to filter by, count, the page of messages (filtered or not)
OUTBOX_QUERIES = 5
# login session, user, count, announcements with authors; + the choices of other apps' segments,
# counted in the test (they read the database once per page)
ANNOUNCEMENTS_QUERIES = 4


@pytest.mark.django_db
def test_outbox_changelist_queries_do_not_grow(client, organizer):
    announcement = AnnouncementFactory()
    sizes = []  # messages in all after each growth

    def messages(n):
        for _ in range(n):
            i = OutboundMessage.objects.count()
            OutboundMessageFactory(
                related=announcement,
                user=UserFactory(),
                template_key=["accounts/verify", "notifications/announcement"][i % 2],
                status=[Status.SENT, Status.FAILED, Status.QUEUED][i % 3],
            )
        sizes.append(OutboundMessage.objects.count())

    client.force_login(organizer)
    url = reverse("admin:notifications_outboundmessage_changelist")
    filtered = assert_queries_do_not_grow(
        lambda: client.get(url, {"status__exact": "sent", "q": "reader"}),
        messages,
        budget=OUTBOX_QUERIES,
        n=5,
    )
    assert [response.status_code for response in filtered] == [200, 200]
    sizes.clear()
    unfiltered = assert_queries_do_not_grow(
        lambda: client.get(url), messages, budget=OUTBOX_QUERIES, n=5
    )
    assert sizes == [20, 30]  # 15 from the filtered counts, then 5 and 10 more
    for response, size in zip(unfiltered, sizes, strict=True):
        html = response.content.decode()
        assert html.count('class="action-select"') == size
        assert "accounts/verify" in html  # the template filter lists what exists


@pytest.mark.django_db
def test_outbox_detail_shows_the_rendered_mail_and_the_error(client, organizer):
    row = OutboundMessageFactory(
        to_email="gone@example.org",
        subject="Your application",
        body_text="Dear Lin,\nyour booth is confirmed.",
        body_html="<p>Dear Lin, <b>confirmed</b></p><script>alert(1)</script>",
        status=Status.FAILED,
        last_error="gone@example.org: 550 5.1.1 mailbox unavailable",
    )
    client.force_login(organizer)
    html = client.get(
        reverse("admin:notifications_outboundmessage_change", args=[row.pk])
    ).content.decode()
    assert "550 5.1.1 mailbox unavailable" in html
    assert "Dear Lin,\nyour booth is confirmed." in html
    assert 'sandbox=""' in html
    assert "<script>alert(1)</script>" not in html  # escaped into srcdoc, never live


@pytest.mark.django_db
def test_outbox_actions_resend_and_cancel(client, organizer, mailoutbox):
    failed = OutboundMessageFactory(status=Status.FAILED, last_error="550")
    waiting = OutboundMessageFactory(next_attempt_at=timezone.now() + timezone.timedelta(hours=1))
    client.force_login(organizer)
    url = reverse("admin:notifications_outboundmessage_changelist")
    client.post(url, {"action": "cancel_selected", "_selected_action": [waiting.pk, failed.pk]})
    assert OutboundMessage.objects.get(pk=waiting.pk).status == Status.CANCELLED
    response = client.post(
        url, {"action": "resend_selected", "_selected_action": [failed.pk]}, follow=True
    )
    assert "1 messages queued again." in response.content.decode()
    assert OutboundMessage.objects.get(pk=failed.pk).status in (Status.QUEUED, Status.SENT)


@pytest.mark.django_db
def test_compose_preview_and_send_an_announcement(
    client, roles, django_capture_on_commit_callbacks, mailoutbox
):
    secretary = StaffFactory(email="sec@zgcforum.example", language="zh-hans")
    secretary.groups.add(Group.objects.get(name=FORUM_SECRETARIAT))
    UserFactory(language="zh-hans")
    UserFactory(language="zh-hans", receives_announcements=False)
    UserFactory(language="en")
    client.force_login(secretary)
    add = client.post(
        reverse("admin:notifications_announcement_add"),
        {
            "segment": "language?language=zh-hans",
            "segment_params": "",
            "subject_en": "Registration is open",
            "body_en": "Register now.",
            "subject_zh_hans": "注册现已开放",
            "body_zh_hans": "现在就注册。",
            "_continue": "1",
        },
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    announcement = Announcement.objects.get()
    page = client.get(add["Location"]).content.decode()
    # zh-hans users minus the opted-out one: the secretary and one visitor.
    assert "Users by language: Simplified Chinese: 2 recipients" in page
    assert "注册现已开放" in page and "Registration is open" in page
    assert "中关村论坛秘书处" in page and "Zhongguancun Forum secretariat" in page
    send = reverse("admin:notifications_announcement_send", args=[announcement.pk])
    confirm = client.post(send).content.decode()
    assert "cannot be recalled" in confirm and "To whom: 2 rows" in confirm
    assert not mailoutbox and Announcement.objects.get().status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"confirm": "1"})
    assert sorted(m.subject for m in mailoutbox) == ["注册现已开放", "注册现已开放"]
    page = client.get(add["Location"]).content.decode()
    assert "Final tally" in page
    assert '<td id="tally-sent">2</td>' in page
    assert 'http-equiv="refresh"' not in page
    again = client.post(send, follow=True).content.decode()
    assert "already been sent" in again
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_sending_page_refreshes_until_done(client, organizer):
    announcement = AnnouncementFactory(status=Announcement.Status.SENDING)
    OutboundMessageFactory(related=announcement)
    client.force_login(organizer)
    page = client.get(
        reverse("admin:notifications_announcement_change", args=[announcement.pk])
    ).content.decode()
    assert 'http-equiv="refresh"' in page
    assert '<td id="tally-queued">1</td>' in page


@pytest.mark.django_db
def test_announcement_form_asks_for_typed_parameters(client, organizer):
    from accounts.models import User

    registries.register_segment(
        "test.domain",
        "Users at a domain",
        lambda domain: User.objects.filter(email__endswith=f"@{domain}"),
        params={"domain": "mail domain"},
    )
    try:
        client.force_login(organizer)
        data = {
            "segment": "test.domain",
            "subject_en": "s",
            "body_en": "b",
            "subject_zh_hans": "主题",
            "body_zh_hans": "正文",
        }
        url = reverse("admin:notifications_announcement_add")
        response = client.post(url, {**data, "segment_params": ""})
        assert response.status_code == 200
        assert "Give domain" in response.content.decode()
        response = client.post(url, {**data, "segment_params": "domain=zgc.example"})
        assert response.status_code == 302
        assert Announcement.objects.get().segment == "test.domain?domain=zgc.example"
    finally:
        registries.mail_segments.pop("test.domain")


@pytest.mark.django_db
def test_secretariat_may_run_notifications(roles):
    perms = set(
        Group.objects.get(name=FORUM_SECRETARIAT).permissions.values_list("codename", flat=True)
    )
    assert {"send_announcement", "view_outboundmessage", "change_outboundmessage"} <= perms
    assert {"add_announcement", "change_announcement"} <= perms


@pytest.mark.django_db
def test_announcement_changelist_queries_do_not_grow(client, organizer):
    def announcements(n):
        for _ in range(n):
            i = Announcement.objects.count()
            AnnouncementFactory(
                created_by=StaffFactory(), segment=["all", "staff", "language?language=en"][i % 3]
            )

    client.force_login(organizer)
    # Other apps' segments may read their choices from the database, once per page.
    with CaptureQueriesContext(connection) as choices:
        services.segment_choices()
    first, second = assert_queries_do_not_grow(
        lambda: client.get(reverse("admin:notifications_announcement_changelist")),
        announcements,
        budget=ANNOUNCEMENTS_QUERIES + len(choices),
        n=3,
    )
    for response, n in [(first, 3), (second, 9)]:
        html = response.content.decode()
        assert html.count('class="action-select"') == n
        assert "Users by language: English" in html


@pytest.mark.django_db
def test_sent_announcement_is_read_only_and_names_its_recipients(client, organizer):
    from django.urls import resolve

    announcement = AnnouncementFactory(
        segment="language?language=zh-hans", status=Announcement.Status.SENT
    )
    assert resolve(announcement.urls.admin).url_name == "notifications_announcement_change"
    client.force_login(organizer)
    html = client.get(announcement.urls.admin).content.decode()
    assert "Users by language: Simplified Chinese" in html
    assert 'name="subject_en"' not in html  # no longer editable
    assert "Final tally" in html


@pytest.mark.django_db
def test_mail_clients_one_click_post_needs_no_csrf_token():
    from django.test import Client

    user = UserFactory()
    path = unsubscribe_link(user)
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.receives_announcements
