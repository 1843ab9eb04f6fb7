"""RSS 2.0 and Atom feeds: the daily feed, trending, a search, a category, an author, a collection.

Each feed class is instantiated once per format (``DailyFeed(Atom1Feed)``), so both formats share
every query and field. Items link to the paper page; their id is that link, which never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from paperfeed.community.shown import ShownPaper, show_papers
from paperfeed.core.site_url import absolute_url, on_this_site
from paperfeed.papers import feed
from paperfeed.papers.models import Listing
from paperfeed.syndication.generators import TextAtomFeed, TextRssFeed
from paperfeed.syndication.queries import (
    Entry,
    FeedInputError,
    author_papers,
    category_listings,
    check_category,
    collection_papers,
    latest_days_listings,
    public_collection,
    search_papers_for_feed,
)

ITEMS = 50
AUTHORS_SHOWN = 10


def entries_of(listings: list[Listing]) -> list[Entry]:
    """The listings' papers, each with the moment it appeared on the feed."""
    return [(listing.paper, listing.submitted_at) for listing in listings]


@dataclass(frozen=True)
class Item:
    """One feed item: the paper as shown, and when it joined the list (None: its publication)."""

    shown: ShownPaper
    moment: datetime | None


@dataclass(frozen=True)
class Subject:
    """What one request's feed is about, with the request's own URL (the feed's rel="self")."""

    path: str
    value: Any = None


class PaperFeed(Feed):
    """What every paperfeed feed shares: one item per paper."""

    def __init__(self, feed_type: type[SyndicationFeed] = Atom1Feed):
        super().__init__()
        self.feed_type = feed_type
        self.format = "atom" if issubclass(feed_type, Atom1Feed) else "rss"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = super().__call__(request, *args, **kwargs)
        except FeedInputError as error:
            return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
        # Readers poll; a few minutes of caching spares the database without making feeds stale.
        response["Cache-Control"] = "public, max-age=300"
        return response

    # Feed instances serve many requests at once: per-request state lives in the Subject only.
    def get_object(self, request: HttpRequest, *args, **kwargs) -> Subject:
        return Subject(request.get_full_path(), self.object_for(request, *args, **kwargs))

    def object_for(self, request: HttpRequest, *args, **kwargs):
        return None

    def get_feed(self, obj: Subject, request: HttpRequest) -> SyndicationFeed:
        # Django prefixes a feed's link (and so its Atom id) with the request's host: move them to the
        # configured base URL, like every other link here, so a forged Host cannot reach a kept feed.
        feed = super().get_feed(obj, request)
        for key in ("link", "id"):
            feed.feed[key] = on_this_site(feed.feed[key])
        return feed

    def feed_url(self, subject: Subject) -> str:
        return absolute_url(subject.path)

    def items(self, subject: Subject) -> list[Item]:
        entries = self.entries(subject.value)
        shown = show_papers([paper for paper, _ in entries], listings={})
        return [Item(card, moment) for card, (_, moment) in zip(shown, entries, strict=True)]

    def entries(self, value) -> list[Entry]:
        raise NotImplementedError

    def item_title(self, item: Item) -> str:
        return item.shown.paper.title

    def item_description(self, item: Item) -> str:
        paper = item.shown.paper
        parts = [paper.abstract.strip()]
        if paper.ai_summary:
            parts.append(f"Summary: {paper.ai_summary.strip()}")
        parts.append(f"arXiv: {paper.abs_url} · {paper.upvotes} upvotes")
        return "\n\n".join(parts)

    def item_link(self, item: Item) -> str:
        return absolute_url(item.shown.paper.get_absolute_url())

    def item_author_name(self, item: Item) -> str:
        names = item.shown.authors
        shown = ", ".join(names[:AUTHORS_SHOWN])
        return shown + (" et al." if len(names) > AUTHORS_SHOWN else "") if names else "Unknown authors"

    def item_pubdate(self, item: Item) -> datetime:
        paper = item.shown.paper
        moment = item.moment or paper.published or paper.created_at
        return moment.astimezone(UTC)

    def item_updateddate(self, item: Item) -> datetime:
        return self.item_pubdate(item)

    def item_categories(self, item: Item) -> list[str]:
        return item.shown.paper.topic_categories  # inferred ones where arXiv gives none


class DailyFeed(PaperFeed):
    title = f"{settings.SITE_NAME}: daily papers"
    description = "The papers of the latest days on the daily feed, most upvoted first within a day."

    def link(self) -> str:
        return reverse("papers:home")

    def entries(self, obj) -> list[Entry]:
        return entries_of(latest_days_listings(limit=ITEMS * 2))


class TrendingFeed(PaperFeed):
    title = f"{settings.SITE_NAME}: trending papers"
    description = "Recent papers ranked by votes, with older ones fading out."

    def link(self) -> str:
        return reverse("papers:trending")

    def entries(self, obj) -> list[Entry]:
        listings, _ = feed.trending_listings(enough=ITEMS)
        return entries_of(listings[:ITEMS])


class SearchFeed(PaperFeed):
    description = "New matches for a search, best first."

    def object_for(self, request: HttpRequest, *args, **kwargs) -> str:
        query = request.GET.get("q", "").strip()
        if not query:
            raise FeedInputError("Give a search query: /feeds/search.atom?q=your+words")
        if len(query) > 250:
            raise FeedInputError("A search query can be at most 250 characters long.")
        return query

    def title(self, subject: Subject) -> str:
        query = subject.value
        return f"{settings.SITE_NAME}: search “{query}”"

    def link(self, subject: Subject) -> str:
        return f"/search?{urlencode({'q': subject.value})}"

    def entries(self, query: str) -> list[Entry]:
        return [(paper, None) for paper in search_papers_for_feed(query, ITEMS)]


class CategoryFeed(PaperFeed):
    def object_for(self, request: HttpRequest, category: str) -> str:
        return check_category(category)

    def title(self, subject: Subject) -> str:
        category = subject.value
        return f"{settings.SITE_NAME}: {category} papers"

    def description(self, subject: Subject) -> str:
        category = subject.value
        return f"Papers in {category} as they appear on the daily feed, newest first."

    def link(self, subject: Subject) -> str:
        return f"{reverse('papers:home')}?{urlencode({'cat': subject.value})}"

    def entries(self, category: str) -> list[Entry]:
        return entries_of(category_listings(category, ITEMS))


class AuthorFeed(PaperFeed):
    def object_for(self, request: HttpRequest, *args, **kwargs) -> str:
        name = " ".join(request.GET.get("name", "").split())
        if not name:
            raise FeedInputError("Give an author's name: /feeds/author.atom?name=Ada+Lovelace")
        if len(name) > 300:
            raise FeedInputError("An author's name can be at most 300 characters long.")
        return name

    def title(self, subject: Subject) -> str:
        name = subject.value
        return f"{settings.SITE_NAME}: papers by {name}"

    def description(self, subject: Subject) -> str:
        name = subject.value
        return f"Papers with {name} among the authors, newest first."

    def link(self, subject: Subject) -> str:
        return f"/search?{urlencode({'q': subject.value})}"

    def entries(self, name: str) -> list[Entry]:
        return [(paper, None) for paper in author_papers(name, ITEMS)]


class CollectionFeed(PaperFeed):
    def object_for(self, request: HttpRequest, pk: int):
        collection = public_collection(pk)
        if collection is None:
            raise Http404("There is no such public collection.")
        return collection

    def title(self, subject: Subject) -> str:
        collection = subject.value
        return f"{settings.SITE_NAME}: {collection.title} (collection by {collection.owner.username})"

    def description(self, subject: Subject) -> str:
        collection = subject.value
        return collection.description or f"Papers added to “{collection.title}”, latest first."

    def link(self, subject: Subject) -> str:
        return subject.value.get_absolute_url()

    def entries(self, collection) -> list[Entry]:
        return collection_papers(collection, ITEMS)


# Abstracts as text, and no character XML cannot hold (see generators).
FORMATS = {"atom": TextAtomFeed, "rss": TextRssFeed}
