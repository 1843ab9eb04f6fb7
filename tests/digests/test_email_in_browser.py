"""The HTML digest as a reader sees it: rendered by chromium from the staff preview page."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from paperfeed.community.models import Vote
from testkit import SCREENSHOTS


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
