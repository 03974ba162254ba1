"""The Content-Security-Policy header written once a process (``core.csp``): the same directives
django-csp writes, a view's own policy still honoured, a settings change seen."""

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import PolicyMiddleware


def directives(header: str) -> set[str]:
    """A policy's directives, whatever their order (django-csp's follows a set's)."""
    return {part.strip() for part in header.split(";")}


def answer(middleware_class, request, response=None):
    middleware = middleware_class(lambda r: response or HttpResponse("ok"))
    middleware.process_request(request)
    return middleware.process_response(request, response or HttpResponse("ok"))


@pytest.fixture
def request_():
    return RequestFactory().get("/schedule/")


def test_the_header_is_django_csps(request_):
    ours = answer(PolicyMiddleware, request_)["Content-Security-Policy"]
    theirs = answer(CSPMiddleware, RequestFactory().get("/schedule/"))["Content-Security-Policy"]
    assert directives(ours) == directives(theirs)
    assert "script-src 'self'" in directives(ours)
    assert "Content-Security-Policy-Report-Only" not in answer(PolicyMiddleware, request_)


def test_a_views_own_policy_goes_through_django_csp(request_):
    @csp_update({"img-src": "https://images.example.org"})
    def view(request):
        return HttpResponse("ok")

    header = answer(PolicyMiddleware, request_, view(request_))["Content-Security-Policy"]
    assert "https://images.example.org" in header


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}})
def test_a_nonce_asked_for_goes_into_the_header(request_):
    middleware = PolicyMiddleware(lambda r: HttpResponse("ok"))
    middleware.process_request(request_)
    nonce = str(request_.csp_nonce)
    header = middleware.process_response(request_, HttpResponse("ok"))["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}'" in directives(header)


def test_a_nonce_asked_for_after_the_header_is_an_error(request_):
    from csp.exceptions import CSPNonceError

    answer(PolicyMiddleware, request_)
    with pytest.raises(CSPNonceError):
        str(request_.csp_nonce)


def test_changed_settings_are_seen(request_):
    answer(PolicyMiddleware, request_)  # the header of the settings as they were, kept
    policy = {"DIRECTIVES": {"default-src": [NONE]}, "EXCLUDE_URL_PREFIXES": ["/admin/"]}
    report = {"DIRECTIVES": {"default-src": [SELF]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report
    ):
        response = answer(PolicyMiddleware, RequestFactory().get("/schedule/"))
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"
        admin = answer(PolicyMiddleware, RequestFactory().get("/admin/"))
        assert "Content-Security-Policy" not in admin
        assert "Content-Security-Policy-Report-Only" in admin
    after = answer(PolicyMiddleware, RequestFactory().get("/schedule/"))
    assert "script-src 'self'" in after["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_page_of_the_site_sends_it(client):
    header = client.get("/healthz/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in directives(header)
