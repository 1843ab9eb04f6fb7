"""Submitting a paper to the daily feed, and the rules a submission must pass.

The web form and the JSON API both call :func:`submit_paper`; each broken rule is a
:class:`SubmissionError` whose message can be shown as is. Papers the database lacks are fetched
from arXiv outside the request (fetches.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from paperfeed.community import ratelimits
from paperfeed.community.models import FetchStatus, PendingSubmission
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Listing, Paper


class SubmissionError(Exception):
    """A submission that breaks a rule. ``code`` names the rule; ``paper`` is set when one is known."""

    def __init__(self, message: str, code: str, paper: Paper | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.paper = paper


def submit_paper(user, text: str, *, override_window: bool = False) -> Listing | PendingSubmission:
    """Put the paper named by ``text`` (an arXiv id or URL) on today's feed, submitted by ``user``.

    A paper the database lacks is not fetched here: the answer is a :class:`PendingSubmission`,
    which a fetcher completes (or fails) once arXiv has answered (see fetches.py). Submitting the
    same id again while it is being fetched returns the same pending submission.
    ``override_window`` lets staff submit papers older than the submission window.
    """
    _check_attempt_rate(user)
    try:
        arxiv_id = parse_arxiv_id(text).id
    except InvalidArxivId as error:
        raise SubmissionError(str(error), "invalid_id") from None
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    if paper is None:
        return _queue_fetch(user, arxiv_id, override_window)
    _check_daily_cap(user)
    return list_paper(user, paper, override_window=override_window)


def list_paper(
    user, paper: Paper, *, override_window: bool = False, pending: PendingSubmission | None = None
) -> Listing | None:
    """Check the rules for a paper in the database, then list it; ``pending`` is the submission it
    completes (already counted under the daily cap). None if another fetcher completed it first."""
    if paper.hidden:
        raise SubmissionError(
            f"arXiv:{paper.arxiv_id} was removed by a moderator and cannot be submitted.", "hidden"
        )
    _check_not_listed(paper)
    if not (override_window and user.is_staff):
        _check_window(paper)
    with ratelimits.one_at_a_time(user):  # two simultaneous submissions cannot both pass the cap
        now = timezone.now()
        if pending is None:
            _check_daily_cap(user)
        elif not PendingSubmission.objects.filter(pk=pending.pk, status=FetchStatus.FETCHING).update(
            status=FetchStatus.DONE, paper=paper, finished_at=now
        ):
            return None
        try:
            with transaction.atomic():
                listing = Listing.objects.create(
                    paper=paper, date=now.astimezone(UTC).date(), submitted_at=now, submitted_by=user
                )
        except IntegrityError:
            _check_not_listed(paper)  # someone submitted it a moment ago
            raise
    return listing


def _queue_fetch(user, arxiv_id: str, override_window: bool) -> PendingSubmission:
    from paperfeed.community import fetches

    with ratelimits.one_at_a_time(user):
        waiting = PendingSubmission.objects.filter(user=user, arxiv_id=arxiv_id, status=FetchStatus.FETCHING)
        pending = waiting.first()
        if pending is None:
            _check_daily_cap(user)  # a waiting submission holds its place under the cap
            if PendingSubmission.objects.filter(status=FetchStatus.FETCHING).count() >= (
                settings.ARXIV_FETCH_QUEUE_MAX
            ):
                raise SubmissionError(
                    "Too many papers are waiting to be fetched from arXiv right now. "
                    "Try again in a few minutes.",
                    "arxiv_busy",
                )
            pending = PendingSubmission.objects.create(
                user=user, arxiv_id=arxiv_id, override_window=bool(override_window and user.is_staff)
            )
    transaction.on_commit(fetches.wake)
    return pending


def _check_attempt_rate(user) -> None:
    limit = settings.SUBMIT_ATTEMPTS_PER_MINUTE
    if not ratelimits.hit("submit", str(user.pk), limit):
        raise SubmissionError(
            f"Too many submission attempts: at most {limit} a minute. Wait a minute and try again.",
            "rate_limited",
        )


def submissions_today(user) -> int:
    """How many papers ``user`` has submitted since midnight UTC, counting those still being fetched."""
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)
    listed = Listing.objects.filter(submitted_by=user, submitted_at__gte=midnight).count()
    waiting = PendingSubmission.objects.filter(
        user=user, status=FetchStatus.FETCHING, created_at__gte=midnight
    ).count()
    return listed + waiting


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
