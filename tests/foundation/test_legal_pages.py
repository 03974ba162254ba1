"""The privacy notice and the terms: bilingual, edited in the admin with history, linked from the
footer and every consent checkbox; the filing numbers; the icons; the admin login's languages."""

import itertools
import re

import pytest
from django.contrib.auth.models import Group

from accounts.roles import FORUM_SECRETARIAT
from delegates.forms import RegistrationForm, SensitiveDataForm
from delegates.models import Category
from tests.factories.accounts import StaffFactory
from tests.queries import assert_queries_do_not_grow
from zgcforum import services
from zgcforum.models import LegalPage

pytestmark = pytest.mark.django_db

LEGAL_PAGE_QUERIES = 1  # the page's row; an anonymous visitor has no session to read
ASCII_NEXT_TO_CJK = re.compile(r"[\u4e00-\u9fff][,:;]|[,:;][\u4e00-\u9fff]")


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("path", "title", "heading"),
    [
        ("/privacy/", "Privacy notice", "Delegate registrations, badges and check-in"),
        ("/zh-hans/privacy/", "隐私声明", "参会代表报名、胸卡和签到"),
        ("/terms/", "Terms of participation", "Badges and check-in"),
        ("/zh-hans/terms/", "参会条款", "胸卡和签到"),
    ],
)
def test_legal_pages_render_in_both_languages(client, path, title, heading):
    html = text(client.get(path))
    assert f'<h1 class="h2">{title}</h1>' in html
    assert f">{heading}</h2>" in html
    if path.startswith("/zh-hans/"):
        assert '<html lang="zh-hans">' in html
        main = html[html.index("<main") : html.index("</main>")]
        assert not ASCII_NEXT_TO_CJK.search(main)


def test_privacy_notice_covers_each_part_and_links_the_data_rights(client):
    html = text(client.get("/privacy/"))
    for part in ["Accounts", "Exhibitors and their staff", "Mail outbox", "Server logs"]:
        assert f">{part}</h2>" in html
    assert 'href="/delegates/me/export.json"' in html
    assert 'href="/delegates/me/"' in html


def test_retention_settings_give_the_numbers_on_the_privacy_notice(client, settings):
    settings.DELEGATES_PURGE_SENSITIVE_AFTER_DAYS = 45
    settings.SERVER_LOG_RETENTION_DAYS = 200
    html = text(client.get("/privacy/"))
    assert "are erased 45 days after the forum&#x27;s last day" in html
    assert "200 days, then deleted" in html
    assert "论坛最后一天之后45天删除" in text(client.get("/zh-hans/privacy/"))

    settings.DELEGATES_PURGE_SENSITIVE_AFTER_DAYS = 90
    assert "are erased 90 days after" in text(client.get("/privacy/"))
    assert "之后90天删除" in text(client.get("/zh-hans/privacy/"))


def test_pages_are_made_once_after_migrate_and_edits_are_kept():
    assert set(LegalPage.objects.values_list("slug", flat=True)) == {"privacy", "terms"}
    page = LegalPage.objects.get(slug="terms")
    page.title_en = "House rules"
    page.save()
    LegalPage.objects.filter(slug="privacy").delete()

    created = services.ensure_legal_pages()

    assert [p.slug for p in created] == ["privacy"]
    assert LegalPage.objects.get(slug="terms").title_en == "House rules"
    assert LegalPage.objects.get(slug="privacy").title_zh_hans == "隐私声明"


def test_a_missing_page_shows_its_default_text(client):
    LegalPage.objects.all().delete()  # a flushed database, before the next migrate
    assert "隐私声明" in text(client.get("/zh-hans/privacy/"))


def test_page_text_is_never_html(client):
    LegalPage.objects.filter(slug="terms").update(body_en="## Rules\n- <b>bold</b>\n- two")
    html = text(client.get("/terms/"))
    assert "<li>&lt;b&gt;bold&lt;/b&gt;</li><li>two</li>" in html
    assert '<h2 class="h4 mt-4">Rules</h2>' in html


def test_footer_shows_the_filing_numbers_only_when_set(client, settings):
    settings.ICP_FILING = ""
    settings.PUBLIC_SECURITY_FILING = ""
    html = text(client.get("/zh-hans/terms/"))
    assert "beian.miit.gov.cn" not in html and "公网安备" not in html
    assert 'href="/zh-hans/privacy/">隐私声明</a>' in html
    assert 'href="/zh-hans/terms/">参会条款</a>' in html

    settings.ICP_FILING = "京ICP备12345678号-1"
    settings.PUBLIC_SECURITY_FILING = "京公网安备11010802012345号"
    html = text(client.get("/zh-hans/"))
    assert (
        '<a class="link-body-emphasis" href="https://beian.miit.gov.cn/" rel="noopener">京ICP备12345678号-1</a>'
        in html
    )
    assert "京公网安备11010802012345号" in html


@pytest.mark.parametrize(
    ("language", "privacy", "terms"),
    [("en", "/privacy/", "/terms/"), ("zh-hans", "/zh-hans/privacy/", "/zh-hans/terms/")],
)
def test_every_consent_checkbox_links_to_both_pages(language, privacy, terms):
    from django.utils import translation

    with translation.override(language):
        forms = [RegistrationForm(categories=Category.objects.none()), SensitiveDataForm()]
        labels = [
            str(form[name].label_tag())
            for form in forms
            for name, field in form.fields.items()
            if name.startswith(("accepts_", "consents_"))
        ]
    assert len(labels) == 4  # terms, sensitive data, sharing the contact with exhibitors
    for label in labels:
        assert f'href="{privacy}"' in label and f'href="{terms}"' in label


def test_registration_page_shows_the_linked_consent(client, django_user_model):
    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory())
    html = text(client.get("/zh-hans/delegates/register/"))
    assert (
        '我接受<a href="/zh-hans/terms/">参会条款</a>和<a href="/zh-hans/privacy/">隐私声明</a>。'
        in html
    )


def test_the_secretariat_edits_a_page_in_the_admin_and_history_records_it(client, roles):
    secretary = StaffFactory(email="secretariat@zgcforum.example")
    secretary.groups.add(Group.objects.get(name=FORUM_SECRETARIAT))
    client.force_login(secretary)
    page = LegalPage.objects.get(slug="terms")
    url = f"/admin/zgcforum/legalpage/{page.pk}/change/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "title_en": "Terms of participation",
            "title_zh_hans": "参会条款",
            "body_en": "## Badges\n- Badges are personal.",
            "body_zh_hans": "## 胸卡\n- 胸卡限本人使用。",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    page.refresh_from_db()
    assert page.body_zh_hans == "## 胸卡\n- 胸卡限本人使用。"
    latest = page.history.latest()
    assert latest.history_user == secretary
    assert latest.body_zh_hans == "## 胸卡\n- 胸卡限本人使用。"
    assert "<li>胸卡限本人使用。</li>" in text(client.get("/zh-hans/terms/"))
    assert client.get(f"/admin/zgcforum/legalpage/{page.pk}/history/").status_code == 200
    # The two pages are fixed: no adding, no deleting.
    assert client.get("/admin/zgcforum/legalpage/add/").status_code == 403
    assert client.get(f"/admin/zgcforum/legalpage/{page.pk}/delete/").status_code == 403


def test_legal_page_queries_do_not_grow_with_its_history(client):
    edits = itertools.count()
    page = LegalPage.objects.get(slug="privacy")

    def edit(n):
        for _ in range(n):
            page.title_en = f"Privacy notice ({next(edits)})"
            page.save()

    first, second = assert_queries_do_not_grow(
        lambda: text(client.get("/privacy/")), edit, budget=LEGAL_PAGE_QUERIES, n=2
    )
    assert "Privacy notice (1)" in first and "Privacy notice (5)" in second


@pytest.mark.parametrize(
    ("path", "content_type", "magic"),
    [
        ("/favicon.ico", "image/x-icon", b"\x00\x00\x01\x00"),
        ("/apple-touch-icon.png", "image/png", b"\x89PNG"),
    ],
)
def test_root_icons_answer(client, path, content_type, magic):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content).startswith(magic)


def test_pages_link_the_icons_and_the_manifest(client):
    html = text(client.get("/terms/"))
    for href in [
        "/static/img/favicon.ico",
        "/static/img/apple-touch-icon.png",
        "/static/site.webmanifest",
    ]:
        assert f'href="{href}"' in html


def test_admin_login_switches_to_chinese_and_keeps_next(client):
    html = text(client.get("/admin/login/?next=/admin/delegates/"))
    assert 'action="/i18n/setlang/"' in html
    assert (
        'name="next" value="/zh-hans/admin/login/?next=%2Fzh-hans%2Fadmin%2Fdelegates%2F"' in html
    )
    assert ">简体中文</button>" in html

    response = client.post(
        "/i18n/setlang/",
        {
            "language": "zh-hans",
            "next": "/zh-hans/admin/login/?next=%2Fzh-hans%2Fadmin%2Fdelegates%2F",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/admin/login/?next=%2Fzh-hans%2Fadmin%2Fdelegates%2F"
    html = text(client.get(response["Location"]))
    assert '<html lang="zh-hans"' in html
    assert 'value="登录"' in html
    assert 'name="next" value="/zh-hans/admin/delegates/"' in html
    # And back to English.
    assert 'name="next" value="/admin/login/?next=%2Fadmin%2Fdelegates%2F"' in html


def test_every_urls_value_resolves_in_both_languages():
    from django.urls import resolve
    from django.utils import translation

    for page in LegalPage.objects.all():
        for language in ("en", "zh-hans"):
            with translation.override(language):
                match = resolve(page.urls.public)
            assert match.kwargs == {"slug": page.slug}
