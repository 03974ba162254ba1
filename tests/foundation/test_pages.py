"""Every public page renders in both languages and loads nothing from another host."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.queries import assert_queries_do_not_grow

CJK = re.compile(r"[\u4e00-\u9fff]")
ASSET = re.compile(r"<(?:script|link|img|source|iframe)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def parameterless_names(resolver=None, prefix=""):
    """Names of routed URLs that take no arguments (admin excluded)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from parameterless_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            yield f"{prefix}{entry.name}"


def public_pages(client):
    """(name, path) of every parameterless GET page an anonymous visitor may open."""
    for name in sorted(set(parameterless_names())):
        # No page: the health check, a POST target, a door leading on to another page.
        if name in ("healthz", "set_language", "delegates:home"):
            continue
        path = reverse(name)
        response = client.get(path)
        if response.status_code in (301, 302) and (
            "/accounts/login/" in response.get("Location", "")
            or response.get("Location", "").startswith(reverse("admin:login"))
        ):
            continue  # needs login (the site's or the admin's): not public
        if response.status_code == 405:
            continue  # POST only
        yield name, path, response


@pytest.mark.django_db
def test_every_public_page_renders_in_both_languages(client, demo_forum):
    seen = 0
    for name, path, response in public_pages(client):
        assert response.status_code == 200, f"{name} {path} answered {response.status_code}"
        if "text/html" not in response["Content-Type"]:
            continue
        with translation.override("zh-hans"):
            zh_path = reverse(name)
        assert zh_path.startswith("/zh-hans/")
        zh = client.get(zh_path)
        assert zh.status_code == 200, f"{name} {zh_path} answered {zh.status_code}"
        html = zh.content.decode()
        assert '<html lang="zh-hans">' in html
        # The page chrome is translated, not only the content.
        assert "日程" in html or "登录" in html, f"{zh_path} shows no translated navigation"
        assert CJK.search(html)
        for asset in ASSET.findall(response.content.decode()) + ASSET.findall(html):
            assert not re.match(r"^(https?:)?//", asset), f"{path} loads {asset} from another host"
        seen += 1
    assert seen >= 5


def test_static_css_loads_nothing_from_another_host():
    for css in Path(settings.BASE_DIR, "static").rglob("*.css"):
        for url in CSS_URL.findall(css.read_text(errors="ignore")):
            assert not re.match(r"^(https?:)?//", url.strip()), f"{css} loads {url}"
            assert not url.strip().startswith("@import")


@pytest.mark.django_db
def test_home_page_presents_the_forum(client, demo_forum):
    html = client.get("/").content.decode()
    for text in [
        "2021 Zhongguancun Forum",
        "Intelligence · Health · Carbon Neutrality",
        "Frontier competitions",
        "Technology for the Winter Olympics",
        "Sept. 24, 2021",
    ]:
        assert text in html
    zh = client.get("/zh-hans/").content.decode()
    for text in ["2021中关村论坛", "智慧·健康·碳中和", "科技冬奥", "2021年9月24日"]:
        assert text in zh


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page(client):
    html = client.get("/accounts/login/?next=/accounts/profile/").content.decode()
    assert 'href="/zh-hans/accounts/login/?next=/accounts/profile/"' in html
    zh = client.get("/zh-hans/accounts/login/").content.decode()
    assert 'href="/accounts/login/"' in zh


@pytest.mark.django_db
def test_unknown_page_is_a_styled_404(client):
    response = client.get("/zh-hans/no-such-page/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


@pytest.mark.django_db
def test_health_check_needs_no_database(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get("/healthz/").status_code == 200


@pytest.mark.django_db
def test_pages_send_a_content_security_policy(client):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    html = client.get("/").content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html


# forum; sections; exhibition sections; venues; events, sessions, speakers; listed exhibitors
HOME_QUERIES = 8
HOME_WARM_QUERIES = 1  # the forum row, whose version is in the cache key


@pytest.mark.django_db
def test_home_page_queries_do_not_grow_and_warm_needs_one(client):
    from django.core.cache import cache
    from django.core.management import call_command

    from tests.factories.exhibitors import SectionFactory

    call_command("seed_demo", verbosity=0)
    halls = itertools.count()

    def extra_halls(n):  # a new exhibition section shows at once: see the test below
        for _ in range(n):
            SectionFactory(name_en=f"Extra hall {next(halls)}")

    def home():
        return client.get("/").content.decode()

    cold = assert_queries_do_not_grow(home, extra_halls, budget=HOME_QUERIES, n=1)
    assert [page.count("Extra hall") for page in cold] == [1, 3]
    warm = assert_queries_do_not_grow(home, extra_halls, budget=HOME_WARM_QUERIES, n=1, warm=True)
    assert [page.count("Extra hall") for page in warm] == [4, 6]
    cache.clear()
    assert home() == warm[1]  # the page served warm is the page rendered cold


@pytest.mark.django_db
def test_home_page_shows_a_new_exhibition_section_at_once(client, demo_forum):
    from tests.factories.exhibitors import SectionFactory

    assert "Quantum hall" not in client.get("/").content.decode()
    SectionFactory(name_en="Quantum hall")
    assert "Quantum hall" in client.get("/").content.decode()
