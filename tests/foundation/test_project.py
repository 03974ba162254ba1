"""Project-level guarantees: deploy settings, migrations, translations, roles, demo data."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import FORUM_SECRETARIAT, declared_roles, ensure_roles
from core.demo import content_digest
from tests.services import require_binary

ROOT = Path(__file__).resolve().parent.parent.parent


def manage(*args, env=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


SECRET = "x9!k2#production-secret-key-that-is-long-and-random-0123456789abcdef"
# The production environment README.md documents (its settings table and the example).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "forum.example.org",
    "SITE_URL": "https://forum.example.org",
    "PROXY_COUNT": "1",
    # Passport data of visa requests: a production key is required (visa.E001).
    "VISA_FERNET_KEYS": "MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=",
}


def clean_env(**values) -> dict:
    """Only what a fresh shell has, plus ``values``: no DEBUG or settings from the test run."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return {**keep, "DJANGO_SETTINGS_MODULE": "zgcforum.settings", **values}


def read_settings(env: dict, *names: str) -> dict:
    """The named settings as a subprocess with ``env`` sees them."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRODUCTION_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_set():
    env = clean_env(SECRET_KEY=SECRET, SITE_URL="https://forum.example.org")
    assert read_settings(env, "DEBUG") == {"DEBUG": False}
    assert read_settings({**env, "DEBUG": "1"}, "DEBUG") == {"DEBUG": True}
    # Nothing set at all: the settings are production's, so the missing secret key stops them
    # (what gunicorn and Celery load) ...
    bare = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bare.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in bare.stderr
    # ... while manage.py in a bare checkout is a developer's: it runs in DEBUG.
    assert manage("check", env=clean_env()).returncode == 0
    assert manage("check", env=clean_env(SECRET_KEY=SECRET)).returncode != 0  # no SITE_URL


def test_production_without_site_url_is_a_system_check_error():
    env = clean_env(**{**PRODUCTION_ENV, "SITE_URL": ""})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "zgcforum.E001" in result.stderr and "SITE_URL is not set" in result.stderr
    # While DEBUG is on the links point at the dev server.
    dev = read_settings(clean_env(DEBUG="1"), "SITE_URL")
    assert dev == {"SITE_URL": "http://127.0.0.1:8000"}


def test_site_url_must_be_an_absolute_address(settings):
    from zgcforum.checks import site_url_check

    settings.SITE_URL = "forum.example.org"
    assert [e.id for e in site_url_check()] == ["zgcforum.E002"]
    settings.SITE_URL = "https://forum.example.org"
    assert site_url_check() == []


def test_proxy_headers_are_trusted_only_when_proxies_are_declared():
    names = (
        "SECURE_PROXY_SSL_HEADER",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
        "AXES_IPWARE_PROXY_TRUSTED_IPS",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    )
    direct = read_settings(clean_env(**{**PRODUCTION_ENV, "PROXY_COUNT": ""}), *names)
    assert direct == {
        "SECURE_PROXY_SSL_HEADER": None,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": None,
        "AXES_IPWARE_PROXY_TRUSTED_IPS": None,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
    }
    proxied = read_settings(clean_env(**PRODUCTION_ENV), *names)
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxied["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert proxied["AXES_IPWARE_PROXY_COUNT"] == 0  # ipware counts proxies listed in the header
    trusted = read_settings(
        clean_env(**{**PRODUCTION_ENV, "PROXY_COUNT": "", "TRUSTED_PROXIES": "10.0.0.0/8"}), *names
    )
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert trusted["AXES_IPWARE_PROXY_TRUSTED_IPS"] == ["10.0.0.0/8"]
    opted_in = read_settings(
        clean_env(**PRODUCTION_ENV, SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1"),
        *names,
    )
    assert opted_in["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and opted_in["SECURE_HSTS_PRELOAD"]


def test_production_settings_refuse_a_missing_secret_key():
    env = clean_env(**{**PRODUCTION_ENV, "SECRET_KEY": ""})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_model_change_lacks_a_migration():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zgcforum.settings", "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    result = manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_string_is_translated_to_chinese(tmp_path):
    """makemessages on a copy of the tree finds nothing new, and msgfmt finds nothing missing."""
    msgfmt = require_binary("msgfmt")
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "staticfiles", "media", ".test-media", "node_modules", "*.mo"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zgcforum.settings", "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    result = manage(
        "makemessages",
        "-l",
        "zh_Hans",
        "-e",
        "html,txt,py",
        "--no-obsolete",
        "--no-location",
        "--ignore",
        "staticfiles/*",
        "--ignore",
        "tests/*",
        "--ignore",
        "bench/*",
        env=env,
        cwd=copy,
    )
    assert result.returncode == 0, result.stderr
    po_files = sorted(copy.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))
    assert po_files
    problems = []
    for po in po_files:
        stats = subprocess.run(
            [msgfmt, "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        if "untranslated" in stats.stderr or "fuzzy" in stats.stderr or stats.returncode:
            problems.append(f"{po.relative_to(copy)}: {stats.stderr.strip()}")
    assert problems == []


@pytest.mark.django_db
def test_roles_are_idempotent_and_declared_per_app():
    ensure_roles()
    first = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    ensure_roles()
    second = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert first == second
    assert FORUM_SECRETARIAT in first
    assert {"view_user", "change_user"} <= first[FORUM_SECRETARIAT]
    assert set(declared_roles()) == set(first)


@pytest.mark.django_db
def test_roles_restore_removed_permissions():
    group = ensure_roles()[FORUM_SECRETARIAT]
    group.permissions.clear()
    ensure_roles()
    assert group.permissions.filter(codename="view_user").exists()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_deterministic_and_idempotent():
    call_command("seed_demo", "--anchor", "2026-12-04", verbosity=0)
    first = content_digest()
    call_command("seed_demo", verbosity=0)
    assert content_digest() == first  # a second run changes nothing, dates included
    call_command("seed_demo", "--flush", "--anchor", "2026-12-04", verbosity=0)
    assert content_digest() == first  # a fresh database gets the same content


@pytest.mark.django_db
def test_seed_demo_scale_multiplies_generated_rows():
    from core.demo import DemoContext

    def generated(scale):
        ctx = DemoContext(scale=scale)
        from importlib import import_module

        from core.demo import DEMO_APPS

        for app in DEMO_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(ctx)
        return ctx.generated

    one = generated(1)
    ten = generated(10)
    assert one and set(one) == set(ten)
    for label, n in one.items():
        assert ten[label] == 10 * n, label


@pytest.mark.django_db
def test_seed_demo_prints_the_admin_login(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "organizer@zgcforum.example / zgc-forum-2021" in out


def test_every_beat_entry_names_a_registered_task():
    """A typo in a task name would leave the periodic job silently never run."""
    from django.conf import settings

    from zgcforum.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
