"""A production install (``pip install .``, no extras) imports every module of every app.

The Makefile installs ``.[dev]``, which would hide a runtime dependency listed only under dev.
Here a fresh venv gets the runtime dependencies alone; with the source tree as the working
directory (the apps are not packaged: ``[tool.setuptools] packages = []``; manage.py, gunicorn
and celery find them on the path as the current directory), every module of every app is
imported under production settings, and so is every third-party name any of them imports inside
a function. pip's cache makes a second run quick.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.install

# Run with ``python -c`` so that, as under gunicorn, the working directory is on sys.path.
CHECK = r"""
import ast, importlib, json, pathlib, sys
import django

django.setup()
from django.apps import apps

root = pathlib.Path.cwd().resolve()
ours = set()
files = []
for config in apps.get_app_configs():
    path = pathlib.Path(config.path).resolve()
    if root not in path.parents:
        continue
    ours.add(config.name.split(".")[0])
    for file in sorted(path.rglob("*.py")):
        rel = file.relative_to(root)
        if not {"tests", "bench"} & set(rel.parts):
            files.append(rel)
imported, failed, third_party = [], [], set()
for rel in files:
    name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
    try:
        importlib.import_module(name)
        imported.append(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
    for node in ast.walk(ast.parse((root / rel).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            third_party.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            third_party.add(node.module)
for name in sorted(third_party):
    top = name.split(".")[0]
    if top in ours or top in sys.stdlib_module_names:
        continue
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"import {name} (inside a function or class): {type(exc).__name__}: {exc}")
try:
    import pytest  # noqa: F401
    dev_tools = True
except ImportError:
    dev_tools = False
print(json.dumps({"imported": imported, "failed": failed, "dev_tools": dev_tools}))
"""


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_runtime_install_imports_every_module_of_every_app(tmp_path):
    venv = tmp_path / "runtime-venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    build_existed = (ROOT / "build").exists()
    try:
        # The project itself, no extras: what a production host runs.
        run([python, "-m", "pip", "install", "-q", "."], cwd=ROOT)
    finally:
        if not build_existed:  # setuptools builds in the tree; leave it as found
            subprocess.run(["rm", "-rf", str(ROOT / "build")], check=False)
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "zgcforum.settings",
        "DEBUG": "0",
        "SECRET_KEY": "runtime-install-check-" + "k" * 40,
        "SITE_URL": "https://forum.example.org",
        "ALLOWED_HOSTS": "forum.example.org",
    }
    result = run([python, "-c", CHECK], cwd=ROOT, env=env)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["failed"] == []
    assert not report["dev_tools"], "the runtime venv must not have the dev extras"
    imported = set(report["imported"])
    # Every app, the site and the modules that import pypdf, weasyprint and django-ipware's users.
    for app in ("core", "accounts", "notifications", "events", "exhibitors", "delegates"):
        assert f"{app}.apps" in imported
    assert {"zgcforum.settings", "zgcforum.urls", "delegates.services.badges"} <= imported
    assert len(imported) > 100
