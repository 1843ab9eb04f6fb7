from __future__ import annotations

import feedparser
import pytest
from django.conf import settings

FORMATS = ("atom", "rss")


@pytest.fixture(params=FORMATS)
def feed_format(request) -> str:
    return request.param


@pytest.fixture
def read_feed(client):
    """Fetch a feed and parse it with feedparser, checking it is well formed and complete."""

    def read(url: str):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        expected_type = "application/atom+xml" if ".atom" in url else "application/rss+xml"
        assert response["Content-Type"].startswith(expected_type)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version in ("atom10", "rss20")
        # Links are on the configured base URL, whatever host the request came in on.
        assert parsed.feed.title and parsed.feed.link.startswith(f"{settings.BASE_URL}/")
        for entry in parsed.entries:
            assert entry.title
            assert entry.link.startswith(f"{settings.BASE_URL}/papers/")
            assert entry.id == entry.link
            assert entry.published_parsed is not None
            assert entry.author
        return parsed

    return read
