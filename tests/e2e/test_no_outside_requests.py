"""No request leaves the site: a crawl of every page type, logged out and logged in, sees the
browser ask only the site itself (no avatar, font, script or image from another host)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from paperfeed.community.models import Collection, CollectionItem, Comment

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = [
    "/",
    "/papers/trending",
    "/papers/date/{day}",
    "/papers/week/{week}",
    "/papers/month/{month}",
    "/papers/{arxiv_id}",
    "/search?q=graph+networks",
    "/search?q=xqzvbnm+flurbo",
    "/authors/Ada%20Lovelace",
    "/u/hfperson",
    "/collections/{collection}",
    "/papers/submit",
    "/digest/subscribe/",
    "/accounts/login/",
    "/accounts/signup/",
    "/papers/2999.99999",  # not on this site: the error page too
]
SIGNED_IN_ONLY = ["/for-you/", "/settings/recommendations", "/digest/settings/"]


@pytest.fixture
def imported_site(make_paper, make_user) -> dict:
    """A paper as the Hugging Face import leaves it: a member with an avatar on huggingface.co,
    a code link, a comment with a link and an image in its Markdown."""
    today = datetime.now(UTC).date()
    member = make_user("hfperson", avatar_url="https://huggingface.co/avatars/0123.svg")
    paper = make_paper(
        "Graph networks for everything",
        listed_on=today,
        submitted_by=member,
        github_repo="https://github.com/owner/repo",
        authors=("Ada Lovelace",),
    )
    Comment.objects.create(
        paper=paper, author=member, body="See https://example.com/x and ![plot](https://example.com/plot.png)"
    )
    shelf = Collection.objects.create(owner=member, title="Shelf")
    CollectionItem.objects.create(collection=shelf, paper=paper)
    year, week, _ = today.isocalendar()
    return {
        "member": member,
        "day": today.isoformat(),
        "week": f"{year}-W{week:02d}",
        "month": today.strftime("%Y-%m"),
        "arxiv_id": paper.arxiv_id,
        "collection": shelf.pk,
    }


def crawl(page, live_server, paths: list[str]) -> list[str]:
    """Visit every path; the URLs of requests the browser made to any other host."""
    site = urlsplit(live_server.url).netloc
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if _leaves(request.url, site) else None)
    for path in paths:
        page.goto(path)
    return outside


def _leaves(url: str, site: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.netloc != site


def test_no_page_asks_another_host_for_anything(page, live_server, imported_site, log_in):
    paths = [path.format(**imported_site) for path in PAGE_TYPES]
    assert crawl(page, live_server, paths) == []
    log_in(page, imported_site["member"])
    assert crawl(page, live_server, paths + SIGNED_IN_ONLY) == []
