"""Hostile ids in every admin form and every changelist filter: a page, an error, never a 500.

A non-numeric id in an autocomplete field used to raise ``ValueError`` while the invalid form
re-rendered; on SQLite a 40-digit id raised ``OverflowError`` (form fields, filters). The probe
posts text, 40-digit and negative ids into every select of every add and change form (inlines
included) and puts them into every changelist filter's parameters, on the demo forum.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=False)

HOSTILE = ["abc", "9" * 40, "-1", "1.5"]


class FormFields(HTMLParser):
    """The admin form's fields: inputs with their values, selects by name (multiple or not)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.selects: list[str] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "file"):
                return
            self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select":
            self.selects.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def _form_pages(model_admin, model):
    info = model._meta.app_label, model._meta.model_name
    pages = []
    if model_admin.has_add_permission(_request()):
        pages.append(reverse("admin:{}_{}_add".format(*info)))
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return pages


def _request():
    request = RequestFactory().get("/")
    request.user = User.objects.filter(is_superuser=True).first()
    return request


@pytest.fixture
def organizer(demo_forum, client):
    client.force_login(User.objects.get(email="organizer@zgcforum.example"))
    client.raise_request_exception = False  # a 500 is counted, not raised
    return client


def test_every_admin_form_refuses_hostile_ids_without_a_500(organizer):
    failures, probed = [], 0
    for model, model_admin in admin.site._registry.items():
        for url in _form_pages(model_admin, model):
            page = organizer.get(url)
            if page.status_code == 302:  # a page that only lists (the seats of a session)
                continue
            assert page.status_code == 200, url
            fields = FormFields()
            fields.feed(page.content.decode())
            if not fields.selects:
                continue
            for bad in HOSTILE:
                data = dict(fields.data)
                for name in fields.selects:
                    data[name] = [bad]
                response = organizer.post(url, data)
                probed += 1
                if response.status_code not in (200, 302, 400, 403, 404):
                    failures.append(f"{url} {bad!r}: {response.status_code}")
    assert probed > 40
    assert not failures, "\n".join(failures)


def test_every_changelist_filter_refuses_hostile_ids_without_a_500(organizer):
    failures, probed = [], 0
    request = _request()
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        url = reverse("admin:{}_{}_changelist".format(*info))
        request = RequestFactory().get(url)
        request.user = _request().user
        changelist = model_admin.get_changelist_instance(request)
        params = {param for spec in changelist.filter_specs for param in spec.expected_parameters()}
        if model_admin.date_hierarchy:  # its year, month and day are filters too
            params |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        for param in sorted(params):
            for bad in HOSTILE:
                response = organizer.get(url, {param: bad})
                probed += 1
                if response.status_code not in (200, 302, 400, 404):
                    failures.append(f"{url}?{param}={bad}: {response.status_code}")
    assert probed > 40
    assert not failures, "\n".join(failures)


def test_a_text_id_in_an_autocomplete_field_is_named_on_the_form(organizer):
    response = organizer.post(reverse("admin:events_event_add"), {"venue": "abc"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
