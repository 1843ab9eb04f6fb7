"""Submitting a paper to the daily feed, and the rules a submission must pass.

The web form and the JSON API both call :func:`submit_paper`; each broken rule is a
:class:`SubmissionError` whose message can be shown as is.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from paperfeed.community import ratelimits
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Listing, Paper

log = logging.getLogger(__name__)


class SubmissionError(Exception):
    """A submission that breaks a rule. ``code`` names the rule; ``paper`` is set when one is known."""

    def __init__(self, message: str, code: str, paper: Paper | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.paper = paper


def submit_paper(user, text: str, *, override_window: bool = False) -> Listing:
    """Put the paper named by ``text`` (an arXiv id or URL) on today's feed, submitted by ``user``.

    ``override_window`` lets staff submit papers older than the submission window.
    """
    _check_attempt_rate(user)
    try:
        arxiv_id = parse_arxiv_id(text).id
    except InvalidArxivId as error:
        raise SubmissionError(str(error), "invalid_id") from None
    _check_daily_cap(user)
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first() or _fetch_from_arxiv(arxiv_id)
    if paper.hidden:
        raise SubmissionError(
            f"arXiv:{arxiv_id} was removed by a moderator and cannot be submitted.", "hidden"
        )
    _check_not_listed(paper)
    if not (override_window and user.is_staff):
        _check_window(paper)
    with ratelimits.one_at_a_time(user):  # two simultaneous submissions cannot both pass the cap
        _check_daily_cap(user)
        now = timezone.now()
        try:
            with transaction.atomic():
                listing = Listing.objects.create(
                    paper=paper, date=now.astimezone(UTC).date(), submitted_at=now, submitted_by=user
                )
        except IntegrityError:
            _check_not_listed(paper)  # someone submitted it a moment ago
            raise
    return listing


def _check_attempt_rate(user) -> None:
    limit = settings.SUBMIT_ATTEMPTS_PER_MINUTE
    if not ratelimits.hit("submit", str(user.pk), limit):
        raise SubmissionError(
            f"Too many submission attempts: at most {limit} a minute. Wait a minute and try again.",
            "rate_limited",
        )


def submissions_today(user) -> int:
    """How many papers ``user`` has submitted since midnight UTC."""
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)
    return Listing.objects.filter(submitted_by=user, submitted_at__gte=midnight).count()


def _check_daily_cap(user) -> None:
    if user.is_staff:
        return
    cap = settings.SUBMISSIONS_PER_DAY
    if submissions_today(user) >= cap:
        raise SubmissionError(
            f"You have already submitted {cap} paper{'s' if cap != 1 else ''} today, the daily limit. "
            "Submit again after midnight UTC.",
            "daily_limit",
        )


def _check_not_listed(paper: Paper) -> None:
    listing = Listing.objects.filter(paper=paper).first()
    if listing is not None:
        raise SubmissionError(
            f"arXiv:{paper.arxiv_id} is already on the feed (since {_day(listing.date)}).",
            "already_listed",
            paper=paper,
        )


def _check_window(paper: Paper) -> None:
    days = settings.SUBMISSION_WINDOW_DAYS
    if paper.published is None:
        raise SubmissionError(
            f"arXiv:{paper.arxiv_id} has no known publication date, so it cannot be checked against "
            f"the {days}-day submission window.",
            "no_date",
            paper=paper,
        )
    earliest = timezone.now().astimezone(UTC).date() - timedelta(days=days)
    published = paper.published.astimezone(UTC).date()
    if published < earliest:
        raise SubmissionError(
            f"arXiv:{paper.arxiv_id} was published on {_day(published)}; only papers from the "
            f"last {days} days can be submitted.",
            "too_old",
            paper=paper,
        )


def _day(day) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _fetch_from_arxiv(arxiv_id: str) -> Paper:
    """Fetch an unknown paper's metadata from the arXiv API and store it."""
    # Imported here: only submissions of unknown papers need the HTTP client.
    from paperfeed.ingest.arxiv_api import ArxivAPIError, fetch_paper
    from paperfeed.ingest.store import upsert_records

    try:
        record = fetch_paper(arxiv_id)
    except InvalidArxivId as error:  # arXiv itself rejected the id
        raise SubmissionError(str(error), "invalid_id") from None
    except ArxivAPIError as error:
        log.warning("arXiv lookup for %s failed: %s", arxiv_id, error)
        raise SubmissionError(
            f"Could not look {arxiv_id} up on arXiv ({error}). Try again in a few minutes.",
            "arxiv_unavailable",
        ) from error
    if record is None:
        raise SubmissionError(f"arXiv has no paper {arxiv_id}. Check the id.", "not_found")
    upsert_records([record])
    return Paper.objects.get(arxiv_id=arxiv_id)
