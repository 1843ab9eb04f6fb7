"""The HTML digest as a reader sees it: rendered by chromium from the staff preview page."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from paperfeed.community.models import Vote
from testkit import ARTIFACTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"this test needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def reader_with_digest(make_paper, make_user, make_subscriber, trending_papers):
    reader = make_user(email="phone.reader@example.org")
    liked = make_paper(
        "Contrastive pretraining of speech encoders",
        abstract="Self-supervised contrastive pretraining of speech encoders for spoken language.",
        published=datetime(2026, 9, 1, tzinfo=UTC),
    )
    make_paper(
        "Speech encoders that learn from unlabelled audio",
        abstract="Contrastive self-supervised speech encoders trained on unlabelled audio.",
        published=datetime.now(UTC),
        upvotes=12,
    )
    Vote.objects.create(user=reader, paper=liked)
    return make_subscriber("phone.reader@example.org", user=reader)


@pytest.mark.browser
@pytest.mark.parametrize(("device", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_the_html_digest_reads_well_in_a_browser_and_loads_nothing_from_elsewhere(
    browser, live_server, client, make_user, reader_with_digest, device, width, height
):
    staff = make_user(is_staff=True)
    client.force_login(staff)
    host = urlsplit(live_server.url).hostname
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/digest/preview/?email=phone.reader@example.org")

    assert page.get_by_role("link", name="Scaling sparse mixtures of experts").first.is_visible()
    assert page.get_by_text(
        "Similar to “Contrastive pretraining of speech encoders”, which you upvoted"
    ).is_visible()
    assert page.get_by_role("link", name="Unsubscribe in one click").is_visible()
    assert page.get_by_role("link", name="View in browser").is_visible()
    # Nothing sideways on a phone, and no request beyond the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert requested and all(url.startswith(live_server.url) for url in requested)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"digest-email-{device}.png"), full_page=True)
    context.close()
