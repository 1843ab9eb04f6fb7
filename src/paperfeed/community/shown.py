"""A paper as shown: the one read model behind every card, feed item, digest entry and API listing.

Beside a paper's own columns, every place that shows papers shows the same few facts: its visible
authors, how many comments it has, whether the reader upvoted it, and the feed day it is listed on.
They are read here, one query per fact for a whole batch, so the rules (hidden authors are left
out, which comments count) live once. Pages, feeds and digests take ``ShownPaper`` objects from
:func:`show_papers`; the JSON API, which works on rows rather than model instances for speed, uses
the same query helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import connection

from paperfeed.community.models import Comment, Vote
from paperfeed.papers.models import Authorship, Listing, Paper


@dataclass(frozen=True, slots=True)
class ShownPaper:
    """What a card (or feed item, or digest entry) shows of one paper."""

    paper: Paper
    authors: list[str]  # visible authors, in order
    site_comments: int  # visible comments made on this site
    voted: bool = False  # the reader has upvoted it
    listing: Listing | None = None  # its visible feed listing, if it is on the feed

    @property
    def source_comments(self) -> int:
        """Comments the source record counted (Hugging Face's), which are not on this site."""
        return self.paper.imported_comment_count

    @property
    def date(self) -> date | None:
        """The feed day it is listed on."""
        return self.listing.date if self.listing else None

    @property
    def submitted_by(self):
        return self.listing.submitted_by if self.listing else None


def comment_total(imported: int, on_this_site: int) -> int:
    """The API's ``numComments``: the source record's count (Hugging Face's, for imported papers)
    plus this site's, as a Hub client mirroring a Hub feed expects. Pages never show this sum:
    they count the comments on the page, and name the source's count as what it is."""
    return imported + on_this_site


def show_papers(
    papers: Iterable[Paper], reader=None, listings: Mapping[int, Listing] | None = None
) -> list[ShownPaper]:
    """``papers`` as shown to ``reader`` (a user, or None / an anonymous user), in the given order.

    ``listings`` maps paper ids to the listings the caller already holds (the feed pages); without
    it the visible listings are looked up. Pass ``{}`` where the listing is never shown.
    """
    papers = list(papers)
    ids = [paper.pk for paper in papers]
    names = Authorship.objects.names_by_paper(ids)
    comments = site_comment_counts(ids)
    voted = voted_paper_ids(reader, ids)
    if listings is None:
        visible = Listing.objects.filter(paper_id__in=ids, hidden=False).select_related("submitted_by")
        listings = {listing.paper_id: listing for listing in visible}
    return [
        ShownPaper(
            paper=paper,
            authors=names[paper.pk],
            site_comments=comments.get(paper.pk, 0),
            voted=paper.pk in voted,
            listing=listings.get(paper.pk),
        )
        for paper in papers
    ]


def show_listings(listings: Iterable[Listing], reader=None) -> list[ShownPaper]:
    """Feed listings (with their papers selected) as shown to ``reader``."""
    listings = list(listings)
    return show_papers(
        [listing.paper for listing in listings], reader, {listing.paper_id: listing for listing in listings}
    )


def voted_paper_ids(user, paper_ids: Iterable[int]) -> set[int]:
    """The ids among ``paper_ids`` that ``user`` has upvoted (empty for None and anonymous visitors)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Vote.objects.filter(user=user, paper_id__in=list(paper_ids)).values_list("paper_id", flat=True)
    )


def site_comment_counts(paper_ids: list[int]) -> dict[int, int]:
    """Visible comments made on this site (the rule of ``Comment.objects.visible()``), per paper
    that has any. Plain SQL: the API reads this for every page it serves."""
    if not paper_ids:
        return {}
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(paper_ids))
    sql = (
        f"SELECT {q('paper_id')}, COUNT(*) FROM {q(Comment._meta.db_table)}"
        f" WHERE {q('hidden')} = %s AND {q('deleted')} = %s AND {q('paper_id')} IN ({marks})"
        f" GROUP BY {q('paper_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [False, False, *paper_ids])
        return dict(cursor.fetchall())
