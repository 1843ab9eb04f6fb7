"""What goes into each digest: trending papers, "for you" picks, new matches of saved searches and
new papers from what the member follows.

A composer serves one period and many subscribers: trending, candidates and search results are
worked out once and shared; personal picks are scored a batch at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.apps import apps
from django.db.models import Max

from paperfeed.community.reader_signals import dismissed_by
from paperfeed.community.shown import show_papers
from paperfeed.digests.following import TITLE as FOLLOWING_TITLE
from paperfeed.digests.following import SharedSearches, followed_picks, with_follows
from paperfeed.digests.interest import for_you_picks, onboarding_note
from paperfeed.digests.models import DigestSend, SendStatus, Subscription
from paperfeed.digests.periods import DigestPeriod
from paperfeed.papers.feed import trending_listings
from paperfeed.papers.models import Paper

TRENDING_POOL = 50
SEARCH_RESULTS = 5
EXCERPT_CHARS = 280


@dataclass
class DigestItem:
    paper: Paper
    reason: str = ""
    because_id: int | None = None  # the liked paper the reason names
    authors: list[str] = field(default_factory=list)  # as every page shows them: see show_items


@dataclass
class DigestSection:
    key: str  # "trending", "for_you", "search" or "following"
    title: str
    items: list[DigestItem]
    note: str = ""  # e.g. why a saved search could not run


@dataclass
class Digest:
    subscription: Subscription
    period: DigestPeriod
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def items(self) -> list[DigestItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def papers(self) -> list[Paper]:
        return [item.paper for item in self.items]

    @property
    def is_empty(self) -> bool:
        return not self.papers


def contents_of(digest: Digest) -> dict:
    """What a digest holds, as JSON for the send log: sections with their papers' ids and reasons."""
    return {
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "items": [[item.paper.pk, item.reason, item.because_id] for item in section.items],
            }
            for section in digest.sections
        ]
    }


def digest_from_contents(subscription: Subscription, period: DigestPeriod, contents: dict) -> Digest:
    """The digest a subscriber was sent, from the send log: the same papers in the same sections.

    A paper hidden by moderation since then is left out, and so is a reason that names one.
    """
    sections = contents.get("sections", [])
    rows = [(item + [None])[:3] for section in sections for item in section["items"]]
    papers = Paper.objects.visible().in_bulk({pid for row in rows for pid in (row[0], row[2]) if pid})
    digest = Digest(subscription, period)
    for section in sections:
        items = [
            DigestItem(papers[pid], reason if because is None or because in papers else "", because)
            for pid, reason, because in ((item + [None])[:3] for item in section["items"])
            if pid in papers
        ]
        if items or section["note"]:
            digest.sections.append(DigestSection(section["key"], section["title"], items, section["note"]))
    show_items(digest.items)
    return digest


def excerpt(paper: Paper, limit: int = EXCERPT_CHARS) -> str:
    """A short excerpt: the one-line summary if there is one, else the abstract cut at a word."""
    text = " ".join((paper.ai_summary or paper.abstract or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut}…"


def show_items(items: list[DigestItem]) -> None:
    """Fill in each item's authors from the read model every page uses (one query for all)."""
    papers = {item.paper.pk: item.paper for item in items}
    shown = {card.paper.pk: card for card in show_papers(papers.values(), listings={})}
    for item in items:
        item.authors = shown[item.paper.pk].authors


def author_line(names: list[str], shown: int = 4) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} et al. ({len(names)} authors)"


class DigestComposer:
    """Composes the digests of one period."""

    def __init__(self, period: DigestPeriod) -> None:
        self.period = period
        self._trending: list[Paper] | None = None
        self._searches: dict[tuple[str, str], tuple[list[Paper], str]] = {}
        self._followed_searches = SharedSearches()

    @property
    def trending(self) -> list[Paper]:
        if self._trending is None:
            listings, _ = trending_listings(enough=TRENDING_POOL)
            self._trending = [listing.paper for listing in listings[:TRENDING_POOL]]
        return self._trending

    def _search(self, query: str, since: datetime) -> tuple[list[Paper], str]:
        """New papers matching ``query`` since a moment, and a note if the search cannot run."""
        key = (query, since.date().isoformat())
        if key not in self._searches:
            if not apps.is_installed("paperfeed.search"):
                self._searches[key] = ([], "Saved searches are not available on this site yet.")
            else:
                from paperfeed.search.public import QueryError, search_papers

                try:
                    hits, _ = search_papers(
                        f"{query} after:{key[1]}", limit=SEARCH_RESULTS, mode="keyword", sort="relevance"
                    )
                    self._searches[key] = ([hit.paper for hit in hits], "")
                except QueryError as error:
                    self._searches[key] = ([], f"This search could not run: {error}")
        return self._searches[key]

    def compose(self, subscription: Subscription) -> Digest:
        return self.compose_many([subscription])[subscription.pk]

    def compose_many(self, subscriptions: list[Subscription]) -> dict[int, Digest]:
        digests = {s.pk: Digest(s, self.period) for s in subscriptions}
        # Papers a reader marked "not interested" stay out of every section, as if already shown.
        dismissed = dismissed_by([s.user_id for s in subscriptions if s.user_id])
        shown: dict[int, set[int]] = {s.pk: set(dismissed.get(s.user_id, ())) for s in subscriptions}
        for subscription in subscriptions:
            if subscription.include_trending and subscription.trending_count:
                fresh = (p for p in self.trending if p.pk not in shown[subscription.pk])
                papers = list(islice(fresh, subscription.trending_count))
                if papers:
                    digests[subscription.pk].sections.append(
                        DigestSection("trending", "Trending", [DigestItem(p) for p in papers])
                    )
                    shown[subscription.pk].update(p.pk for p in papers)
        self._add_for_you(subscriptions, digests, shown)
        self._add_saved_searches(subscriptions, digests, shown)
        self._add_following(subscriptions, digests, shown)
        show_items([item for digest in digests.values() for item in digest.items])
        return digests

    def _add_for_you(self, subscriptions, digests, shown) -> None:
        """The reader's recommendations (see digests.interest), or how to get some."""
        for subscription in subscriptions:
            if not (subscription.include_for_you and subscription.for_you_count and subscription.user_id):
                continue
            picks = for_you_picks(subscription, self.period, shown[subscription.pk])
            if picks is None:
                # Only a note: a digest holding nothing else is still not sent (see is_empty).
                section = DigestSection("for_you", "For you", [], onboarding_note())
            elif not picks:
                continue
            else:
                items = [DigestItem(p.paper, p.reason, p.because_id) for p in picks]
                section = DigestSection("for_you", "For you", items)
                shown[subscription.pk].update(p.paper.pk for p in picks)
            digests[subscription.pk].sections.append(section)

    def _add_following(self, subscriptions, digests, shown) -> None:
        """New papers from what the member follows (see digests.following), after every other section."""
        for subscription in with_follows(subscriptions):
            picks = followed_picks(subscription, self.period, shown[subscription.pk], self._followed_searches)
            if picks:
                items = [DigestItem(paper, reason) for paper, reason in picks]
                digests[subscription.pk].sections.append(DigestSection("following", FOLLOWING_TITLE, items))
                shown[subscription.pk].update(paper.pk for paper, _ in picks)

    def _add_saved_searches(self, subscriptions, digests, shown) -> None:
        with_searches = [s for s in subscriptions if s.saved_searches.all()]
        if not with_searches:
            return
        last_sent = dict(
            DigestSend.objects.filter(subscription__in=with_searches, status=SendStatus.SENT)
            .values("subscription_id")
            .annotate(last=Max("sent_at"))
            .values_list("subscription_id", "last")
        )
        for subscription in with_searches:
            since = max(filter(None, [last_sent.get(subscription.pk), self.period.start]))
            for saved in subscription.saved_searches.all():
                papers, note = self._search(saved.query, since)
                fresh = [p for p in papers if p.pk not in shown[subscription.pk]]
                if fresh or note:
                    digests[subscription.pk].sections.append(
                        DigestSection(
                            "search", f"New for “{saved.query}”", [DigestItem(p) for p in fresh], note
                        )
                    )
                    shown[subscription.pk].update(p.pk for p in fresh)
