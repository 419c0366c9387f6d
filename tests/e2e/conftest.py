"""
Browser tests (``make e2e-test``): Playwright drives Debian's Chromium (no
browser download) against the shop running in a subprocess (``server.py``)
with the store from ``seed.py``. The shop and the browser are started once
per session; each test gets fresh browser contexts (its own cookies) and
customers with their own email addresses, so tests do not see each other.

When a test fails, every page it opened is saved, screenshot and HTML, under
``test-artifacts/e2e/``, next to ``server.log`` (the shop's requests and
errors). A page whose browser console says the Content-Security-Policy or the
Permissions-Policy refused something fails its test too.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .console import BrowserConsole
from .mailbox import Mailbox
from .server import ROOT, LiveShop

ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a loaded 2-CPU machine, short enough that a missing element
# fails the test well inside pytest-timeout's limit.
ACTION_TIMEOUT_MS = 15_000

OPENED_PAGES = pytest.StashKey[list[Page]]()

expect.set_options(timeout=ACTION_TIMEOUT_MS)


@pytest.fixture(scope="session")
def live_shop(tmp_path_factory) -> LiveShop:
    for old_artifact in [*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.html")]:
        old_artifact.unlink()  # from an earlier run: what is here after this one is its own
    shop = LiveShop(workdir=tmp_path_factory.mktemp("e2e-shop"), log_path=ARTIFACTS / "server.log")
    shop.start()
    try:
        shop.run("-m", "tests.e2e.seed")
        yield shop
    finally:
        shop.stop()
        shop.remove_files()


@pytest.fixture(autouse=True)
def _server_errors_fail_the_test(live_shop):
    """
    An error the shop logged while the test ran fails it, even if the page
    looked fine: a consumer that failed in the background, a 500 on a fetch.
    """
    offset = live_shop.log_size()
    yield
    errors = live_shop.errors_logged_since(offset)
    if errors:
        pytest.fail(f"The shop logged errors (see {live_shop.log_path}):\n" + "\n".join(errors))


@pytest.fixture
def browser_console() -> BrowserConsole:
    """What the browser's console said on every page the test opened."""
    return BrowserConsole()


@pytest.fixture(autouse=True)
def _policy_violations_fail_the_test(browser_console):
    """
    Something the Content-Security-Policy or the Permissions-Policy refused
    (an inline script or style, an image from elsewhere, a feature the policy
    names wrongly) fails the test: the page may look fine and still be broken.
    """
    yield
    refused = browser_console.take_policy_violations()
    if refused:
        pytest.fail("The browser refused what the page asked for:\n" + "\n".join(refused))


@pytest.fixture(scope="session")
def mailbox(live_shop) -> Mailbox:
    return Mailbox(live_shop.mail_dir)


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(request, browser, live_shop, browser_console):
    """
    ``open_page()``: a new page in a browser of its own (no shared cookies) on
    the shop; ``open_page(javascript=False)`` in one with JavaScript off.
    """
    contexts = []
    pages = request.node.stash.setdefault(OPENED_PAGES, [])

    def open_one(*, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_shop.url,
            viewport={"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        browser_console.listen_to(page)
        pages.append(page)
        return page

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in ("setup", "call"):
        saved = save_pages(item)
        if saved:
            report.sections.append(("e2e artifacts", "\n".join(saved)))
    return report


def save_pages(item) -> list[str]:
    """A screenshot and the HTML of each page the test opened; the paths written."""
    saved = []
    name = re.sub(r"[^\w-]+", "_", f"{item.path.stem}-{item.name}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(item.stash.get(OPENED_PAGES, []), start=1):
        if page.is_closed():
            continue
        stem = ARTIFACTS / f"{name}-page{number}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(page.content())
        except Exception as error:  # a crashed page must not hide the test's own failure
            saved.append(f"{stem}: not saved ({error})")
        else:
            saved.append(f"{stem}.png  {stem}.html  ({page.url})")
    return saved
