"""Chinese pages and mail are typeset as Chinese: no ASCII , : ; next to a Chinese character.

The commas come from Python joins and date formats as much as from the catalogues, so this reads
what users get: every /zh-hans/ page of the demo (a crawl from the home page, logged out and as
each role) and every mail template rendered in Chinese with the demo's own rows.
"""

import html
import re
from collections import Counter
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db.models import Count
from django.urls import Resolver404, resolve
from django.utils import translation

from accounts.models import User
from delegates.models import Delegation, DelegationMember, Registration
from delegates.models import Invitation as DelegateInvitation
from events.models import Session
from exhibitors.models import Application, ApplicationEvent
from exhibitors.models import Invitation as StaffInvitation
from notifications.services import render_message

CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK}[,:;]|[,:;]{CJK}")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)', re.I)
INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
SKIP = re.compile(r"/admin/|/logout|/accounts/logout|\.(ics|csv|pdf|json|png|svg|xml)$|/i18n/")
PER_ROUTE = 3  # pages visited per URL pattern: a session page stands for the 295 others
ROLES = [
    None,
    "delegate00001@demo.zgcforum.example",
    "visitor00001@demo.zgcforum.example",
    "exhibitor00001@demo.zgcforum.example",
    "door@zgcforum.example",
]


def visible_text(page: str) -> str:
    page = INVISIBLE.sub(" ", page)
    attributes = " ".join(ATTRIBUTE.findall(page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def offences(text: str) -> list[str]:
    return [text[max(m.start() - 12, 0) : m.end() + 12] for m in ASCII_NEXT_TO_CJK.finditer(text)]


def crawl(client, start="/zh-hans/", limit=400):
    """(path, html) of the Chinese pages reachable from the home page, a few per URL pattern."""
    seen, per_route, queue = set(), Counter(), [start]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        try:
            with translation.override("zh-hans"):
                route = resolve(urlsplit(path).path).route
        except Resolver404:
            continue
        if per_route[route] >= PER_ROUTE:
            continue
        seen.add(path)
        per_route[route] += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        yield path, page
        for href in HREF.findall(page):
            href = html.unescape(href)
            if href.startswith("/zh-hans/") and href not in seen:
                queue.append(href)


@pytest.mark.parametrize(
    "email", ROLES, ids=["visitor", "delegate", "account", "exhibitor", "door"]
)
def test_chinese_pages_use_full_width_punctuation(client, demo_forum, email):
    if email:
        client.force_login(User.objects.get(email=email))
    found, pages = {}, 0
    for path, page in crawl(client):
        pages += 1
        if bad := offences(visible_text(page)):
            found[path] = bad[:3]
    assert pages >= 15, f"the crawl reached only {pages} pages"
    assert not found, "\n".join(f"{path}: {snippets}" for path, snippets in found.items())


def mails(forum) -> list[tuple[str, dict]]:
    """Every mail template with a context made of the demo's rows, as the services give it."""
    chinese = Registration.objects.filter(status="approved").exclude(name_zh="").first()
    user = chinese.user
    session = Session.objects.select_related("room__venue", "event").filter(
        event__forum=forum, is_cancelled=False
    )[0]
    state = {
        "title_en": session.title_en,
        "title_zh_hans": session.title_zh_hans,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room_en": session.room.name_en,
        "room_zh_hans": session.room.name_zh_hans,
        "speakers": ["李明"],
    }
    application = Application.objects.filter(applicant__name_zh__gt="").select_related(
        "organization", "section", "applicant"
    )[0]
    reason = SimpleNamespace(reason="展品与本展区主题不符。")
    delegation = Delegation.objects.select_related("coordinator").first()
    delegation.coordinator.name_zh = delegation.coordinator.name_zh or "王嘉豪"
    staff = StaffInvitation(
        organization=application.organization, email="li.ming@example.com", role="staff"
    )
    invitation = DelegateInvitation.objects.select_related("category").first()
    invitation.name = "李明"
    tz = {"forum_timezone": forum.timezone}
    listed = [
        ("accounts/verify", {"user": user, "url": "https://zgcforum.example/v/abc"}),
        (
            "accounts/password_reset",
            {"user": user, "protocol": "https", "domain": "zgcforum.example", "uid": "MQ", "token": "t-1"},
        ),
        ("delegates/approved", {"registration": chinese}),
        ("delegates/rejected", {"registration": chinese, "reason": "资料不完整，请补充单位信息。"}),
        ("delegates/invitation", {"invitation": invitation, "category": invitation.category}),
        (
            "delegates/delegation_invite",
            {
                "delegation": delegation,
                "coordinator": delegation.coordinator,
                "member": DelegationMember(delegation=delegation, email="li.ming@example.com"),
            },
        ),
        ("delegates/received", {"registration": chinese}),
        ("delegates/promoted", {"session": session, **tz}),
        ("delegates/seat_confirmed", {"user": user, "session": session, **tz}),
        ("delegates/waitlisted", {"user": user, "session": session, "position": 3, **tz}),
        (
            "delegates/schedule_released",
            {
                "release": SimpleNamespace(number=2, comment_en="Moves", comment_zh_hans="调整会场。"),
                "forum": forum,
                "entries": [
                    {"code": session.code, "kinds": ["moved", "speakers"], "before": state, "after": state},
                    {"code": session.code, "kinds": ["cancelled"], "before": state, "after": state},
                ],
                "changelog_url": "https://zgcforum.example/zh-hans/schedule/changes/",
                **tz,
            },
        ),
        (
            "exhibitors/invitation",
            {"invitation": staff, "organization": application.organization, "invited_by": application.applicant},
        ),
        (
            "notifications/announcement",
            {
                "announcement": SimpleNamespace(subject="论坛开幕", body="各位嘉宾：论坛明天开幕。"),
                "unsubscribe_url": "https://zgcforum.example/u/abc",
            },
        ),
    ]  # fmt: skip
    for kind in [
        "submitted",
        "approved",
        "promoted",
        "waitlisted",
        "rejected",
        "withdrawn",
        "back",
    ]:
        event = reason if kind == "rejected" else ApplicationEvent(application=application)
        listed.append(
            (
                "exhibitors/application_status",
                {
                    "application": application,
                    "organization": application.organization,
                    "section": application.section,
                    "event": event,
                    "kind": kind,
                },
            )
        )
    from exhibitors.models import Booth

    booth = Booth.objects.select_related(
        "hall", "application__organization", "application__section", "application__applicant"
    ).filter(application__applicant__name_zh__gt="")[0]
    for kind in ["assigned", "moved"]:
        listed.append(
            (
                "exhibitors/booth_assigned",
                {
                    "application": booth.application,
                    "organization": booth.application.organization,
                    "section": booth.application.section,
                    "booth": booth,
                    "hall": booth.hall,
                    "kind": kind,
                },
            )
        )
    for kind in ["received", "approved", "rejected", "changes", "revoked"]:
        listed.append(
            (
                f"visa/{kind}",
                {"reference": "ZGCV-ABCDEFGH23", "name": "李明", "message": "请核对护照有效期。"},
            )
        )
    from exhibitors.models import Document

    document = Document.objects.select_related("requirement", "organization").filter(
        status="returned"
    )[0]
    for kind in ["submitted", "accepted", "returned"]:
        listed.append(
            (
                "exhibitors/document",
                {
                    "document": document,
                    "requirement": document.requirement,
                    "organization": document.organization,
                    "kind": kind,
                },
            )
        )
    for overdue in (False, True):
        listed.append(
            (
                "exhibitors/document_reminder",
                {
                    "requirement": document.requirement,
                    "organization": document.organization,
                    "overdue": overdue,
                },
            )
        )
    return listed


def test_every_mail_reads_as_chinese(demo_forum):
    keys = set()
    for key, context in mails(demo_forum):
        keys.add(key)
        context = {**context, "site_url": settings.SITE_URL, "recipient": None}
        subject, text, body_html = render_message(key, context, language="zh-hans")
        assert subject and text
        written = f"{subject}\n{text}\n{visible_text(body_html)}"
        assert offences(written) == [], f"{key}: {offences(written)}"
        assert not re.search(r"[：，、] ", text), f"{key}: a space after full-width punctuation"
        assert not re.search(rf"{CJK} [\w（]|\w {CJK}", text.split("\n")[0]) or key.startswith(
            "notifications"
        ), f"{key}: a space beside Chinese in {text.splitlines()[0]!r}"
    templates = {
        f"{p.parts[-3]}/{p.name.removesuffix('.subject.txt')}"
        for p in settings.BASE_DIR.glob("*/templates/*/mail/*.subject.txt")
    }
    assert templates <= keys


def test_chinese_mail_greets_by_the_chinese_name(demo_forum):
    registration = Registration.objects.filter(status="approved").exclude(name_zh="").first()
    _, text, _ = render_message(
        "delegates/approved", {"registration": registration}, language="zh-hans"
    )
    assert text.startswith(f"尊敬的{registration.name_zh}：")
    assert registration.name not in text.splitlines()[0]
    _, english, _ = render_message(
        "delegates/approved", {"registration": registration}, language="en"
    )
    assert english.startswith(f"Dear {registration.name},")


def test_chinese_pages_put_the_chinese_name_first(client, demo_forum):
    from events.models import Speaker

    speaker = Speaker.objects.exclude(name_zh="").first()
    with translation.override("zh-hans"):
        zh = client.get(speaker.urls.public).content.decode()
    en = client.get(speaker.urls.public).content.decode()
    heading = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
    assert visible_text(heading.search(zh).group(1)).split() == [
        speaker.name_zh,
        *speaker.name.split(),
    ]
    assert visible_text(heading.search(en).group(1)).split() == [
        *speaker.name.split(),
        speaker.name_zh,
    ]


def test_lists_of_names_are_joined_with_the_enumeration_comma(client, demo_forum):
    """A session with two speakers lists them 郭芳、王嘉豪 on its event's Chinese page."""
    session = (
        Session.objects.filter(event__forum=demo_forum, is_cancelled=False)
        .annotate(n=Count("speakers"))
        .filter(n__gte=2)
        .first()
    )
    names = [s.name_zh or s.name for s in session.speakers.order_by("name", "pk")]
    with translation.override("zh-hans"):
        page = client.get(session.event.urls.public).content.decode()
        session_page = client.get(session.urls.public).content.decode()
    assert "、".join(names[:2]) in re.sub(r"<[^>]+>", "", page)
    assert all(name in session_page for name in names)
