"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

One Chromium serves every browser test of a run. Playwright's sync API keeps an asyncio event loop running in this
thread while it is started, and Django refuses ORM calls (and asyncio.run refuses to start) while a loop runs: so the
browser tests run last (see pytest_collection_modifyitems), DJANGO_ALLOW_ASYNC_UNSAFE is set only while Chromium is up,
and Chromium is stopped as soon as the next test is not a browser test. The live server shares the test database with
the test through transactional tests (`transactional_db`): what a test writes with the factories, the site shows.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.tests.browser.support import ConsoleLog

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


class _Chromium:
    """Playwright and Chromium, started on first use and stopped when the browser tests are over."""

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None
        self._async_unsafe: str | None = None

    def get(self) -> Any:
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            except Exception:
                self.stop()
                raise
        return self.browser

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
        if self.playwright is not None:
            self.playwright.stop()
        self.browser = self.playwright = None
        if self._async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._async_unsafe


_chromium = _Chromium()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test; they run last, in their own order, so that Chromium starts once."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # After the test's own fixtures are torn down (trylast): the next test runs without an event loop.
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        _chromium.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The run's one Chromium. Where it is not installed the browser tests are skipped, with the reason; on CI they
    fail instead, so that a missing install step cannot pass for a green run."""
    if not Path(chromium_path()).exists():
        reason = f"Chromium is not installed at {chromium_path()} (set CHROMIUM_PATH, or apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield _chromium
    _chromium.stop()


@pytest.fixture
def browser(chromium: _Chromium) -> Any:
    return chromium.get()


@pytest.fixture
def site_url(live_server: Any, transactional_db: None) -> str:
    """The live server's address; the test's data (written in the shared test database) is what it serves."""
    return live_server.url


def _new_page(browser: Any, site_url: str, console: ConsoleLog, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(base_url=site_url, viewport=DESKTOP, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.watch(page)
    return context, page


@pytest.fixture
def console() -> ConsoleLog:
    """Console errors and uncaught exceptions of the test's pages (a CSP violation is a console error); the test
    fails if any are left unexpected (`console.expect("...")` allows one by a part of its text)."""
    return ConsoleLog()


@pytest.fixture
def page(browser: Any, site_url: str, console: ConsoleLog) -> Iterator[Any]:
    """A fresh page in its own browser context (no cookies), 1280 x 800, JavaScript on."""
    context, page = _new_page(browser, site_url, console)
    yield page
    context.close()
    console.assert_clean()


@pytest.fixture
def page_without_js(browser: Any, site_url: str, console: ConsoleLog) -> Iterator[Any]:
    """A page whose context runs no JavaScript at all: what a visitor without scripts gets."""
    context, page = _new_page(browser, site_url, console, java_script_enabled=False)
    yield page
    context.close()
    console.assert_clean()
