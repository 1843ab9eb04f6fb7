"""Browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser``. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from testkit import DEFAULT_PASSWORD, SCREENSHOTS

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _new_page(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        timezone_id="UTC",
        **options,
    )
    # Generous: the machine may be busy, and the first paper page in a process loads the
    # embedding model for related papers (tens of seconds on a loaded machine).
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.errors = []  # uncaught JavaScript errors: a page that throws fails its test
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # So does anything the Content-Security-Policy blocked (a script, a style, a connection).
    page.on("console", lambda message: _note_csp_violation(page, message))
    return context, page


def _note_csp_violation(page, message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        page.errors.append(message.text)


@pytest.fixture
def page(browser, live_server, settings) -> Iterator[object]:
    """A fresh browser tab (own cookies and storage) with JavaScript on."""
    settings.BASE_URL = live_server.url  # the site under test: its mails and feeds link here
    context, tab = _new_page(browser, live_server)
    yield tab
    context.close()
    assert tab.errors == [], f"JavaScript errors on the page: {tab.errors}"


@pytest.fixture
def page_without_js(browser, live_server, settings) -> Iterator[object]:
    """A fresh browser tab with JavaScript disabled: everything must still work by plain forms."""
    settings.BASE_URL = live_server.url
    context, tab = _new_page(browser, live_server, java_script_enabled=False)
    yield tab
    context.close()


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    """``screenshot(page, "name")`` saves a full-page PNG in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        # From the top: a full-page shot of a scrolled page draws the sticky header mid-page.
        tab.evaluate("window.scrollTo(0, 0)")
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(live_server) -> Callable[[object, object], None]:
    """``log_in(page, user)``: give the tab a logged-in session without going through the form."""
    from django.test import Client

    def attach(tab, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        tab.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])

    return attach


@pytest.fixture
def log_in_with_form() -> Callable[[object, str], None]:
    """``log_in_with_form(page, username)``: log in through the site's own login page."""

    def submit(tab, username: str, password: str = DEFAULT_PASSWORD) -> None:
        tab.goto("/accounts/login/")
        submit = tab.get_by_role("button", name=re.compile(r"^(sign|log) in$", re.I))
        form = tab.locator("form").filter(has=submit)
        form.get_by_label(re.compile(r"^(login|username|e-?mail)", re.I)).first.fill(username)
        form.get_by_label(re.compile(r"^password:?$", re.I)).fill(password)
        submit.click()

    return submit
