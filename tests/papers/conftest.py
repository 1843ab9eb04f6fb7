from datetime import UTC, date, datetime, time
from itertools import count

import pytest

from paperfeed.papers.models import Authorship, Listing, Paper

_ids = count(1)


@pytest.fixture
def add_paper(db):
    """Create a paper (and optionally its listing on the feed) with sensible defaults."""

    def add(
        title: str = "A paper",
        *,
        on: date | None = None,
        upvotes: int = 0,
        authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
        categories: str = "cs.LG",
        submitted_at: datetime | None = None,
        **fields,
    ) -> Paper:
        number = next(_ids)
        paper = Paper.objects.create(
            arxiv_id=fields.pop("arxiv_id", f"2503.{number:05d}"),
            title=title,
            abstract=fields.pop("abstract", f"The abstract of {title}."),
            categories=categories,
            imported_upvotes=upvotes,
            upvotes=upvotes,
            published=fields.pop("published", datetime(2025, 3, 1, tzinfo=UTC)),
            **fields,
        )
        Authorship.objects.bulk_create(
            Authorship(paper=paper, position=i, name=name) for i, name in enumerate(authors)
        )
        if on is not None:
            Listing.objects.create(
                paper=paper,
                date=on,
                submitted_at=submitted_at or datetime.combine(on, time(8, number % 60), tzinfo=UTC),
            )
        return paper

    return add
