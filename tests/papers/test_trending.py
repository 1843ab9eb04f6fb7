"""Trending: votes decayed by age, so fresh papers rise while strong older ones stay a while."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from paperfeed.papers.trending import trending_score

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


@given(votes=st.integers(0, 10_000), age=st.floats(0, 24 * 30), extra=st.integers(1, 1000))
def test_more_votes_at_the_same_age_always_rank_higher(votes, age, extra):
    assert trending_score(votes + extra, hours_ago(age), NOW) > trending_score(votes, hours_ago(age), NOW)


@given(votes=st.integers(0, 10_000), age=st.floats(0, 24 * 30), older_by=st.floats(0.5, 24 * 30))
def test_with_the_same_votes_the_fresher_paper_ranks_higher(votes, age, older_by):
    fresher = trending_score(votes, hours_ago(age), NOW)
    older = trending_score(votes, hours_ago(age + older_by), NOW)
    assert fresher > older


def test_a_strong_paper_from_yesterday_stays_above_a_fresh_paper_with_few_votes():
    strong_yesterday = trending_score(150, hours_ago(24), NOW)
    fresh_and_weak = trending_score(5, hours_ago(1), NOW)
    assert strong_yesterday > fresh_and_weak


def test_a_fresh_paper_overtakes_a_week_old_paper_with_several_times_its_votes():
    week_old = trending_score(100, hours_ago(24 * 7), NOW)
    fresh = trending_score(20, hours_ago(6), NOW)
    assert fresh > week_old


def test_a_paper_nobody_voted_for_still_has_a_positive_score():
    assert trending_score(0, hours_ago(3), NOW) > 0


def test_a_paper_listed_in_the_future_counts_as_brand_new():
    assert trending_score(3, NOW + timedelta(hours=5), NOW) == trending_score(3, NOW, NOW)
