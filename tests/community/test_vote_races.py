"""Votes arriving at the same moment from many threads still count once per person."""

import pytest

from community.race import run_together
from paperfeed.community.models import Vote
from paperfeed.community.votes import set_vote
from paperfeed.papers.models import Paper

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("concurrent_database")]


def test_simultaneous_votes_by_one_person_count_once(alice, make_dated_paper):
    paper = make_dated_paper(upvotes=5)
    _, errors = run_together([lambda: set_vote(alice, paper, True) for _ in range(6)])
    assert errors == []
    assert Vote.objects.filter(user=alice, paper=paper).count() == 1
    assert Paper.objects.get(pk=paper.pk).upvotes == 6


def test_simultaneous_votes_by_different_people_all_count(make_user, make_dated_paper):
    paper = make_dated_paper(upvotes=0)
    people = [make_user() for _ in range(6)]
    _, errors = run_together([lambda person=person: set_vote(person, paper, True) for person in people])
    assert errors == []
    assert Paper.objects.get(pk=paper.pk).upvotes == 6 == Vote.objects.count()
