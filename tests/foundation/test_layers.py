"""The arrows between our apps (docs/architecture.md): each app imports only what lies below it.

Every module of ours is parsed (tests, bench, scripts and migrations aside); imports inside
functions and ``import_module("…")`` with a literal name count as much as those at the top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ["core", "accounts", "notifications", "events", "exhibitors", "delegates"]
LATER = ["leads", "visa"]  # apps of later issues: allowed what delegates is, plus delegates
_DELEGATES = {"core", "accounts", "notifications.services", "events", "exhibitors"}

# app -> what it may import of ours ("notifications.services" allows that module and below).
ALLOWED = {
    "core": set(),
    "accounts": {"core", "notifications.services"},
    "notifications": {"core", "accounts"},
    "events": {"core", "accounts"},
    "exhibitors": {"core", "accounts", "notifications.services"},
    "delegates": _DELEGATES,
    **{app: _DELEGATES | {"delegates"} for app in LATER},
    "zgcforum": {"*"},
}
OURS = set(ALLOWED)
SKIPPED_DIRS = {"tests", "bench", "scripts", "migrations", ".venv", "staticfiles", "node_modules"}


def our_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in OURS and not SKIPPED_DIRS.intersection(parts):
            yield path


def imported_names(path: Path, package: str | None = None):
    """(line, dotted name) of every import in the module, relative ones made absolute.

    ``from a.b import c`` is named ``a.b.c``: what it takes, whether a module or a name in one.
    """
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, node.args[0].value


def allowed(app: str, name: str) -> bool:
    target = name.split(".")[0]
    if target not in OURS or target == app:
        return True
    rules = ALLOWED[app]
    return "*" in rules or any(name == rule or name.startswith(f"{rule}.") for rule in rules)


def violations():
    found = []
    for path in our_modules():
        app = path.relative_to(ROOT).parts[0]
        for line, name in imported_names(path):
            if not allowed(app, name):
                found.append(f"{path.relative_to(ROOT)}:{line} {app} -> {name}")
    return found


def test_every_import_follows_the_arrows():
    assert violations() == []


def test_the_table_covers_every_app_of_ours():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "zgcforum"}
    assert apps <= OURS, apps - OURS
    assert set(DOMAIN) <= apps


@pytest.mark.parametrize(
    "app,name,ok",
    [
        ("events", "delegates.services", False),
        ("events", "core.page_cache", True),
        ("exhibitors", "notifications.services", True),
        ("exhibitors", "notifications.models", False),
        ("exhibitors", "core.countries", True),
        ("exhibitors", "delegates.countries", False),
        ("core", "accounts.models", False),
        ("notifications", "events.models", False),
        ("delegates", "zgcforum.views", False),
        ("zgcforum", "delegates.views", True),
        ("leads", "delegates.models", True),
    ],
)
def test_the_rule_reads_as_the_table(app, name, ok):
    assert allowed(app, name) is ok


def test_lazy_relative_and_dynamic_imports_are_seen(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from . import selectors\n"
        "def f():\n    from delegates import services\n"
        "def g():\n    import_module('exhibitors.models')\n"
    )
    names = {name for _line, name in imported_names(module, package="events.templatetags")}
    assert {"events.templatetags.selectors", "delegates.services", "exhibitors.models"} <= names
    assert not allowed("events", "delegates.services")
