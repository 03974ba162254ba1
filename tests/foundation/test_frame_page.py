"""``core.frame.page`` writes what ``templates/base.html`` writes for the same blocks, byte for
byte: for a visitor and a logged-in organizer with messages, in English and Chinese, and as a
shell for logged-in viewers (then filled for them)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants, get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from core import frame
from core.personal import fill, split
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PROBE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ title }}{% endblock title %}'
    "{% block head %}{{ head|safe }}{% endblock head %}"
    "{% block content %}{{ content|safe }}{% endblock content %}"
    "{% block scripts %}{{ scripts|safe }}{% endblock scripts %}"
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
BLOCKS = {
    "title": "Opening &lt;remarks&gt;",
    "head": '<link rel="stylesheet" href="/static/x.css">',
    "content": "<p>Body &amp; soul</p>\n<p>二</p>",
    "scripts": '<script src="/static/x.js" defer></script>',
}


def _request(language: str, user=None, *, messages=()):
    path = ("/zh-hans" if language == "zh-hans" else "") + "/schedule/"
    request = RequestFactory().get(path + "?day=2021-09-24")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    MessageMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user or AnonymousUser()
    request.resolver_match = resolve(path)
    for text in messages:
        request._messages.add(constants.SUCCESS, text)
    return request


def _both(language: str, user=None, *, messages=(), shell=False) -> tuple[str, str]:
    with translation.override(language):
        theirs_request = _request(language, user, messages=messages)
        theirs_request.personal_shell = shell
        theirs = PROBE.render({**BLOCKS, "title": "Opening <remarks>"}, theirs_request)
        list(get_messages(theirs_request))
        mine_request = _request(language, user, messages=messages)
        mine_request.personal_shell = shell
        mine = frame.page(mine_request, **BLOCKS).content.decode()
        if shell:
            theirs = fill(theirs_request, split(theirs))
            mine = fill(mine_request, split(mine))
        return TOKEN.sub("TOKEN", mine), TOKEN.sub("TOKEN", theirs)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_visitors_page_is_base_html_s(language):
    mine, theirs = _both(language)
    assert mine == theirs
    assert "<title>Opening &lt;remarks&gt; · " in mine and "<p>Body &amp; soul</p>" in mine


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("shell", [False, True])
def test_a_logged_in_organizers_page_with_messages_is_base_html_s(language, shell):
    organizer = UserFactory(name="Organizer <Li>", is_staff=True)
    mine, theirs = _both(language, organizer, messages=["Saved <all>."], shell=shell)
    assert mine == theirs
    assert "Organizer &lt;Li&gt;" in mine and "Saved &lt;all&gt;." in mine
    assert "TOKEN" in mine and "<!--f:" not in mine  # the logout form's token
