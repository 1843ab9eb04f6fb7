"""Rate limits hold when a burst of requests arrives at the same moment (threads, real database)."""

from __future__ import annotations

import pytest

from community.race import run_together
from paperfeed.community import ratelimits
from paperfeed.community.comments import CommentError, post_comment
from paperfeed.community.models import Comment
from paperfeed.community.submission import SubmissionError, submit_paper
from paperfeed.papers.models import Listing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("concurrent_database")]


def test_a_burst_of_comments_gets_exactly_the_limit_through(alice, make_dated_paper, settings):
    settings.COMMENTS_PER_MINUTE = 5
    paper = make_dated_paper()

    _, errors = run_together([lambda n=n: post_comment(alice, paper, f"Comment {n}") for n in range(12)])

    assert Comment.objects.filter(author=alice).count() == 5
    assert len(errors) == 7
    assert all(isinstance(e, CommentError) and e.code == "rate_limited" for e in errors), errors


def test_a_burst_of_comments_from_different_people_is_not_limited_together(
    make_user, make_dated_paper, settings
):
    settings.COMMENTS_PER_MINUTE = 1
    paper = make_dated_paper()
    people = [make_user() for _ in range(6)]

    _, errors = run_together([lambda p=p: post_comment(p, paper, "First!") for p in people])

    assert errors == []
    assert Comment.objects.count() == 6


def test_a_burst_of_attempts_counts_every_attempt():
    results, errors = run_together([lambda: ratelimits.hit("burst", "client-1", 4) for _ in range(10)])

    assert errors == []
    assert sorted(results) == [False] * 6 + [True] * 4


def test_a_burst_of_submissions_stays_within_the_daily_cap(alice, make_dated_paper, recent, settings):
    settings.SUBMISSIONS_PER_DAY = 3
    papers = [make_dated_paper(published=recent(days=1)) for _ in range(8)]

    _, errors = run_together([lambda p=p: submit_paper(alice, p.arxiv_id) for p in papers])

    assert Listing.objects.filter(submitted_by=alice).count() == 3
    assert len(errors) == 5
    assert all(isinstance(e, SubmissionError) and e.code == "daily_limit" for e in errors), errors


def test_a_burst_of_submission_attempts_stays_within_the_attempt_limit(alice, settings):
    settings.SUBMIT_ATTEMPTS_PER_MINUTE = 4

    _, errors = run_together([lambda: submit_paper(alice, "not-an-id") for _ in range(10)])

    codes = sorted(e.code for e in errors if isinstance(e, SubmissionError))
    assert codes == ["invalid_id"] * 4 + ["rate_limited"] * 6
