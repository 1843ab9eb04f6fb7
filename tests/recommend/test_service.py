"""A signed-in reader's recommendations: a model per reader, several interests, "not interested"."""

from __future__ import annotations

import pytest

from paperfeed.community.models import Vote
from paperfeed.recommend.service import recommend_for
from recommend.conftest import WEEK_END, WEEK_START

pytestmark = pytest.mark.django_db


def titles(picks) -> list[str]:
    return [pick.paper.title for pick in picks]


def test_a_reader_of_robotics_and_llm_safety_gets_both(indexed, make_user):
    reader = make_user()
    for paper in indexed["robots"]["old"] + indexed["safety"]["old"]:
        Vote.objects.create(user=reader, paper=paper)

    picks = recommend_for(reader, WEEK_START, WEEK_END, limit=4)

    expected = {p.title for p in indexed["robots"]["new"] + indexed["safety"]["new"]}
    assert set(titles(picks)) == expected
    assert all(p.reason.startswith("Similar to “") and p.reason.endswith("which you upvoted") for p in picks)
