"""Paper cards outside the feed (profiles, collections), shaped like the feed's listing cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from paperfeed.community.context import voted_paper_ids
from paperfeed.community.models import Comment
from paperfeed.papers.models import Authorship, Listing, Paper


@dataclass
class Card:
    """What papers/_card.html reads from a listing."""

    paper: Paper
    submitted_by: object | None
    date: date | None
    comment_total: int
    voted: bool


def paper_cards(user, papers: list[Paper]) -> list[Card]:
    """Cards for ``papers`` in the given order, with authors, feed day, comment totals and vote state."""
    ids = [paper.pk for paper in papers]
    names = Authorship.objects.names_by_paper(ids)
    listings = {
        listing.paper_id: listing
        for listing in Listing.objects.filter(paper_id__in=ids, hidden=False).select_related("submitted_by")
    }
    local_comments = dict(
        Comment.objects.visible()
        .filter(paper_id__in=ids)
        .values("paper_id")
        .annotate(n=Count("id"))
        .values_list("paper_id", "n")
    )
    voted = voted_paper_ids(user, ids)
    cards = []
    for paper in papers:
        paper.author_names = names[paper.pk]
        listing = listings.get(paper.pk)
        cards.append(
            Card(
                paper=paper,
                submitted_by=listing.submitted_by if listing else None,
                date=listing.date if listing else None,
                comment_total=paper.imported_comment_count + local_comments.get(paper.pk, 0),
                voted=paper.pk in voted,
            )
        )
    return cards
