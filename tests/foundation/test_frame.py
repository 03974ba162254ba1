"""The frame of every page (``core.templatetags.frame``) writes what the included templates it
replaced wrote (kept in ``frame_oracle/`` as the oracle), byte for byte: for a visitor, a user,
a staff member, in both languages, with and without filing numbers; and escapes what it writes."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tests.factories.accounts import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ORACLE = Path(__file__).parent / "frame_oracle"


def oracle(name: str):
    text = (ORACLE / name).read_text()
    switcher = (ORACLE / "_language_switcher.html").read_text()
    return engines["django"].from_string(
        text.replace('{% include "includes/_language_switcher.html" %}', switcher)
    )


def render_both(request, user):
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    frame = engines["django"].from_string("{% load frame %}{% site_navbar %}|{% site_footer %}")
    mine = frame.render({}, request)
    theirs = (
        oracle("_navbar.html").render({}, request)
        + "|"
        + oracle("_footer.html").render({}, request)
    )
    token = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')  # masked anew each time
    return token.sub(r"\1T", mine), token.sub(r"\1T", theirs)


@pytest.mark.parametrize("who", ["visitor", "user", "staff"])
@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_the_frame_is_the_templates_it_replaced(who, prefix, settings):
    user = {"visitor": None, "user": UserFactory, "staff": StaffFactory}[who]
    user = user(name='Ada "<b>"') if user else None
    for icp, public_security in (("", ""), ("京ICP备<1>号", "京公网安备 & 1号")):
        settings.ICP_FILING, settings.PUBLIC_SECURITY_FILING = icp, public_security
        request = RequestFactory().get(f"{prefix}/schedule/?day=2021-09-24&q=<x>")
        with translation.override("zh-hans" if prefix else "en"):
            mine, theirs = render_both(request, user)
        assert mine == theirs
        assert ('name="csrfmiddlewaretoken" value="T"' in mine) == (who != "visitor")
        assert "<b>" not in mine and "<1>" not in mine and "<x>" not in mine


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/?next=/accounts/profile/",
        "/zh-hans/accounts/login/",
        "/speakers/?page=2",
        "/zh-hans/no-such-page/",
        "/sessions/no-such-session/",
        "/zh-hans/sessions/no-such-session/?a=1&b=%3C2%3E",
        "/healthz/",  # outside i18n_patterns: the same path in both languages
    ],
)
def test_the_language_links_are_those_translate_url_gives(client, path):
    from django.conf import settings
    from django.urls import translate_url

    response = client.get(path)
    current = "zh-hans" if path.startswith("/zh-hans/") else "en"
    expected = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    links = dict(response.context["language_links"])
    assert links == {**expected, current: path}
