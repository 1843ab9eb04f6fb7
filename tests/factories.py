"""Plain functions that create papers, listings, users and subscribers: ``from factories import ...``.

The fixtures in tests/conftest.py (``make_paper``, ``make_dated_paper``, ``make_listing``, ``make_user``,
``make_subscriber``, ``recent``) wrap these; call them directly where a fixture does not fit
(a helper function, a benchmark). They need the database, so only from tests that have it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from testkit import DEFAULT_PASSWORD

_numbers = count(1)

# The day make_dated_paper's papers are published on: tests that fix their dates count from it.
FIXED_PUBLISHED = datetime(2025, 3, 1, tzinfo=UTC)


def next_number() -> int:
    """A number no other object made in this test process has (for unique ids and names)."""
    return next(_numbers)


def arxiv_id(month: str = "2502") -> str:
    """A fresh new-style arXiv id in ``month`` (YYMM)."""
    return f"{month}.{next_number() % 100000:05d}"


def paper(
    title: str | None = None,
    abstract: str | None = None,
    *,
    authors: tuple[str, ...] | list[str] = ("Ada Lovelace", "Alan Turing"),
    upvotes: int = 0,
    listed_on: date | None = None,
    submitted_by=None,
    submitted_at: datetime | None = None,
    **fields,
):
    """Create a paper with its authors; ``listed_on=<date>`` also puts it on that day's feed.

    Any Paper field can be given; ``upvotes`` sets both the imported and the total count.
    Unless given, the paper was published two days ago.
    """
    from paperfeed.papers.models import Authorship, Paper

    number = next_number()
    title = title or f"Paper number {number}"
    fields.setdefault("arxiv_id", f"2502.{number % 100000:05d}")
    fields.setdefault("categories", "cs.LG")
    fields.setdefault("published", datetime.now(UTC) - timedelta(days=2))
    if abstract is None:
        abstract = f"We study {title.lower()} and report what we found."
    created = Paper.objects.create(
        title=title, abstract=abstract, imported_upvotes=upvotes, upvotes=upvotes, **fields
    )
    Authorship.objects.bulk_create(
        Authorship(paper=created, position=position, name=name) for position, name in enumerate(authors)
    )
    if listed_on is not None:
        listing(created, listed_on, submitted_by=submitted_by, submitted_at=submitted_at)
    return created


def listing(paper, on: date, *, submitted_by=None, submitted_at: datetime | None = None, **fields):
    """Put ``paper`` on the feed of day ``on``; submitted at 08:00 that day unless given."""
    from paperfeed.papers.models import Listing

    if submitted_at is None:
        submitted_at = datetime.combine(on, time(8, 0), tzinfo=UTC)
    return Listing.objects.create(
        paper=paper, date=on, submitted_at=submitted_at, submitted_by=submitted_by, **fields
    )


def user(username: str | None = None, *, email: str | None = None, verified: bool = True, **fields):
    """Create a user who logs in with ``DEFAULT_PASSWORD``; ``verified=False`` leaves the email unverified."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    username = username or f"reader{next_number()}"
    email = email or f"{username}@example.org"
    password = fields.pop("password", DEFAULT_PASSWORD)
    created = get_user_model().objects.create_user(
        username=username, email=email, password=password, **fields
    )
    EmailAddress.objects.create(user=created, email=email, verified=verified, primary=True)
    return created


def subscriber(email: str, *, confirmed: bool = True, **fields):
    """A daily digest subscriber, confirmed now (``confirmed=False`` leaves it waiting)."""
    from django.utils import timezone

    from paperfeed.digests.models import Subscription

    confirmed_at = timezone.now() if confirmed else None
    return Subscription.objects.create(email=email, confirmed_at=confirmed_at, **fields)


def ago(days: float) -> datetime:
    """The moment ``days`` ago."""
    from django.utils import timezone

    return timezone.now() - timedelta(days=days)
