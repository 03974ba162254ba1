"""Roles, least privilege, proven: the matrix the README shows, and a sweep of every admin URL.

The sweep builds its URLs from ``admin.site._registry`` (changelist, add, change, delete,
history, autocomplete, export, import and each admin's own URLs) over the demo forum, seeded
once for the module. What a role may open follows from the permissions its group holds in code
(``manage.py roles``) and from what the admin opens to a superuser at all: allowed → 200, anything
else → 403, 404 or a redirect to the login. Event hosts see only their events: another host's
event, its sessions and its speakers answer 404 by every path.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import _resolve, declared_roles, role_matrix
from events.models import Event, Session, Speaker
from events.roles import EVENT_HOSTS
from events.selectors import speakers_for_host

pytestmark = pytest.mark.xdist_group("role-sweep")

README = Path(__file__).resolve().parents[2] / "README.md"
MISSING_ID = 987654321
REFUSED = {302, 403, 404, 405}  # 405: an admin's own POST-only URL, opened with GET
CHECKIN_DESK = "check-in desk"  # no admin at all: not staff


def test_the_readme_shows_the_matrix_manage_py_roles_prints(db):
    out = StringIO()
    call_command("roles", stdout=out)
    printed = out.getvalue().strip()
    assert printed == role_matrix()
    readme = README.read_text()
    shown = re.search(r"<!-- roles:begin -->\n(.*?)\n<!-- roles:end -->", readme, re.S).group(1)
    assert shown == printed, "README's role matrix is stale: paste `manage.py roles` into it"
    header = printed.splitlines()[0]
    for role in declared_roles():
        assert f" {role} " in header


# --- The sweep --------------------------------------------------------------------------------


def _model_urls(model_admin, ids: dict[str, int | None]) -> list[tuple[str, str, str]]:
    """(kind, object scope, url) for one model admin: scope is "" or a key of ``ids``."""
    opts = model_admin.model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [("view", "", reverse(f"{base}_changelist")), ("add", "", reverse(f"{base}_add"))]
    for scope, pk in ids.items():
        if pk is None:
            continue
        urls += [
            ("view", scope, reverse(f"{base}_change", args=[pk])),
            ("view", scope, reverse(f"{base}_history", args=[pk])),
            ("delete", scope, reverse(f"{base}_delete", args=[pk])),
        ]
    names = {p.name for p in model_admin.get_urls() if p.name}
    if f"{opts.app_label}_{opts.model_name}_export" in names:
        urls.append(("view", "", reverse(f"{base}_export")))
    if f"{opts.app_label}_{opts.model_name}_import" in names:
        urls.append(("add", "", reverse(f"{base}_import")))
    standard = {
        f"{opts.app_label}_{opts.model_name}_{suffix}"
        for suffix in (
            "changelist",
            "add",
            "change",
            "delete",
            "history",
            "export",
            "import",
            "process_import",
        )
    }
    for pattern in model_admin.get_urls():
        if not pattern.name or pattern.name in standard or not hasattr(pattern, "pattern"):
            continue
        groups = pattern.pattern.regex.groups
        pk = ids.get("seen")
        if groups > 1 or (groups and pk is None):
            continue
        args = [pk] if groups else []
        # The admin's own pages (approve, badge PDF, import): at least whoever may see the model.
        urls.append(("own", "seen" if groups else "", reverse(f"admin:{pattern.name}", args=args)))
    return urls


def _autocomplete_urls() -> list[tuple[str, str]]:
    """(remote model label, url) for every autocomplete field of every admin and inline."""
    found = []
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin] + [inline(model, admin.site) for inline in model_admin.inlines]
        for source in admins:
            for name in source.autocomplete_fields:
                field = source.model._meta.get_field(name)
                remote = field.remote_field.model._meta
                query = (
                    f"?app_label={source.model._meta.app_label}"
                    f"&model_name={source.model._meta.model_name}&field_name={name}&term="
                )
                found.append(
                    (f"{remote.app_label}.{remote.model_name}", "/admin/autocomplete/" + query)
                )
    return found


class Sweep:
    """The URLs, the superuser's answers (what the admin opens at all) and the hosts' scope."""

    def __init__(self):
        self.host = User.objects.filter(
            groups__name=EVENT_HOSTS, managed_events__isnull=False
        ).first()
        own_event = Event.objects.filter(managers=self.host).order_by("pk").first()
        other_event = Event.objects.exclude(managers=self.host).order_by("pk").first()
        own_speakers = speakers_for_host(self.host)
        self.hidden = {
            "events.event": other_event.pk,
            "events.session": Session.objects.filter(event=other_event).order_by("pk").first().pk,
            "events.speaker": Speaker.objects.exclude(pk__in=own_speakers)
            .order_by("pk")
            .first()
            .pk,
        }
        self.seen_for_host = {
            "events.event": own_event.pk,
            "events.session": Session.objects.filter(event=own_event).order_by("pk").first().pk,
            "events.speaker": own_speakers.order_by("pk").first().pk,
        }
        superuser = User.objects.create_user(
            email="sweep-superuser@zgcforum.example",
            is_staff=True,
            is_superuser=True,
            email_verified_at=timezone.now(),
        )
        request = RequestFactory().get("/admin/")
        request.user = superuser
        self.urls: list[tuple[str, str, str, str]] = []  # (model label, kind, scope, url)
        for model, model_admin in admin.site._registry.items():
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            rows = model_admin.get_queryset(request).order_by("pk")
            first = rows.values_list("pk", flat=True).first()
            ids = {"seen": self.seen_for_host.get(label, first), "missing": MISSING_ID}
            if label in self.hidden:
                ids["hidden"] = self.hidden[label]
            for kind, scope, url in _model_urls(model_admin, ids):
                self.urls.append((label, kind, scope, url))
        for label, url in _autocomplete_urls():
            self.urls.append((label, "view", "", url))
        self.superuser_answers = _answers(superuser, self.urls)
        self.open = {url for url, status in self.superuser_answers.items() if status == 200}


def _answers(user, urls) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    return {url: _answer(client, url) for _label, _kind, _scope, url in urls}


def _answer(client, url) -> int:
    """The status of ``url``; a list opening on its default filter is followed there."""
    response = client.get(url)
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(f"{url}?"):
        response = client.get(location)
    return response.status_code


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):
    """The demo forum, seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--as-held", verbosity=0)
            yield Sweep()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _holds(role: str) -> dict[str, set[str]]:
    """Model label → the actions the role's group holds on it."""
    held: dict[str, set[str]] = {}
    for permission in _resolve(declared_roles()[role]):
        label = f"{permission.content_type.app_label}.{permission.content_type.model}"
        action = permission.codename.removesuffix(f"_{permission.content_type.model}")
        held.setdefault(label, set()).add(action)
    return held


def _allowed(held: dict[str, set[str]], label: str, kind: str, scope: str, role: str) -> bool:
    actions = held.get(label, set())
    if scope == "missing" or role == CHECKIN_DESK:
        return False
    if scope == "hidden" and role == EVENT_HOSTS:
        return False
    if kind in ("view", "own"):
        return bool(actions & {"view", "change"})
    return kind in actions


def test_a_superuser_meets_no_error_anywhere(sweep):
    assert set(sweep.superuser_answers.values()) <= {200} | REFUSED
    # Every changelist, change page and history opens for the superuser.
    closed = [
        url
        for _label, kind, scope, url in sweep.urls
        if kind == "view" and scope != "missing" and sweep.superuser_answers[url] != 200
    ]
    assert not closed


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(declared_roles()))
def test_each_role_opens_exactly_what_it_holds(sweep, role):
    user = User.objects.create_user(
        email=f"sweep-{role.replace(' ', '-')}@zgcforum.example",
        is_staff=role != CHECKIN_DESK,
        email_verified_at=timezone.now(),
    )
    user.groups.set([Group.objects.get(name=role)])
    if role == EVENT_HOSTS:
        user = sweep.host
    held = _holds(role)
    answers = _answers(user, sweep.urls)
    wrong = []
    for label, kind, scope, url in sweep.urls:
        status = answers[url]
        if url in sweep.open and _allowed(held, label, kind, scope, role):
            if status != 200:
                wrong.append(f"{url}: {status}, expected 200")
        elif scope == "hidden" and role == EVENT_HOSTS:
            if status != 404:
                wrong.append(f"{url}: {status}, another host's row must not exist (404)")
        elif status not in REFUSED:
            wrong.append(f"{url}: {status}, expected a refusal")
    assert not wrong, f"{role}: " + "; ".join(wrong)


@pytest.mark.django_db
def test_a_host_never_reaches_another_hosts_event(sweep):
    client = Client()
    client.force_login(sweep.host)
    other = Event.objects.get(pk=sweep.hidden["events.event"])
    own_events = set(Event.objects.filter(managers=sweep.host).values_list("pk", flat=True))
    # Autocomplete: sessions' event field lists only the host's events.
    found = client.get(
        "/admin/autocomplete/?app_label=events&model_name=session&field_name=event&term="
    ).json()
    assert {int(r["id"]) for r in found["results"]} <= own_events
    # Search and filters on the changelists find nothing of the other event.
    page = client.get(reverse("admin:events_event_changelist"), {"q": other.title_en})
    assert reverse("admin:events_event_change", args=[other.pk]) not in page.content.decode()
    assert "0 results" in page.content.decode()
    page = client.get(reverse("admin:events_session_changelist"), {"event__id__exact": other.pk})
    hidden_session = Session.objects.get(pk=sweep.hidden["events.session"])
    assert reverse("admin:events_session_change", args=[hidden_session.pk]) not in (
        page.content.decode()
    )
    # Posting a session into the other event: refused by the form, nothing saved.
    before = Session.objects.filter(event=other).count()
    client.post(
        reverse("admin:events_session_add"),
        {"event": other.pk, "title_en": "Smuggled", "title_zh_hans": "夹带"},
    )
    assert Session.objects.filter(event=other).count() == before
