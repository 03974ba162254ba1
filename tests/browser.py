"""Playwright on Debian's chromium (``playwright install`` cannot download browsers here)."""

import os
from pathlib import Path

import pytest

from tests.services import missing

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing(f"needs Debian chromium at {CHROMIUM} (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the site itself never runs inline script.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return the violations of the given impacts."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found serious/critical issues on {page.url}: {violations}"
