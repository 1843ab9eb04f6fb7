"""A signed-in reader's recommendations: a model per reader, several interests, "not interested"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from paperfeed.community.models import Impression, LibraryEntry, NotInterested, Vote
from paperfeed.recommend.models import ReaderModel
from paperfeed.recommend.service import recommend_for, record_opened, record_shown
from paperfeed.recommend.signals import SHOWN_LIMIT
from recommend.conftest import NEW, WEEK_END, WEEK_START

pytestmark = pytest.mark.django_db


def titles(picks) -> list[str]:
    return [pick.paper.title for pick in picks]


def test_a_reader_of_robotics_and_llm_safety_gets_both(indexed, make_user):
    reader = make_user()
    for paper in indexed["robots"]["old"] + indexed["safety"]["old"]:
        Vote.objects.create(user=reader, paper=paper)

    picks = recommend_for(reader, WEEK_START, WEEK_END, limit=5)

    # A protein paper shares "language models" with the safety papers; the rest of the corpus is
    # about other things (galaxies, auctions) and stays out.
    expected = {p.title for p in indexed["robots"]["new"] + indexed["safety"]["new"]}
    assert expected <= set(titles(picks))
    assert {p.title for p in indexed["robots"]["new"]} & set(titles(picks)[:2])
    assert {p.title for p in indexed["safety"]["new"]} & set(titles(picks)[:2])
    assert all(p.reason.startswith("Similar to “") and p.reason.endswith("which you upvoted") for p in picks)


def test_a_paper_marked_not_interested_and_its_near_copies_fall_away(indexed, make_user, make_paper):
    corpus = indexed
    reader = make_user()
    for paper in corpus["robots"]["old"] + corpus["safety"]["old"]:
        Vote.objects.create(user=reader, paper=paper)
    jailbreak = make_paper(
        "Jailbreaking chat assistants with adversarial suffixes",
        abstract="Adversarial suffixes appended to prompts jailbreak aligned chat assistants.",
        published=NEW,
    )
    copy = make_paper(
        "Adversarial suffixes jailbreak aligned chat assistants",
        abstract="Appending adversarial suffixes to prompts jailbreaks aligned chat assistants.",
        published=NEW,
    )
    from paperfeed.search import sync

    sync.catch_up()
    genuine = {p.title for p in corpus["robots"]["new"] + corpus["safety"]["new"]}
    before = titles(recommend_for(reader, WEEK_START, WEEK_END, limit=10))
    assert copy.title in before  # recommended, as it is about the reader's interest in jailbreaks

    NotInterested.objects.create(user=reader, paper=jailbreak)
    after = titles(recommend_for(reader, WEEK_START, WEEK_END, limit=10))

    assert jailbreak.title not in after
    # Gone, or below every paper of the reader's interests.
    assert copy.title not in after or after.index(copy.title) > max(
        after.index(t) for t in genuine & set(after)
    )
    assert copy.title not in after[:4]
    assert len(genuine & set(after[:5])) >= 3  # the reader's two interests stay on top


def test_the_model_is_refitted_only_when_the_readers_signals_change(corpus, make_user):
    reader = make_user()
    Vote.objects.create(user=reader, paper=corpus["robots"]["old"][0])
    recommend_for(reader, WEEK_START, WEEK_END, limit=5)
    first = ReaderModel.objects.get(user=reader)

    recommend_for(reader, WEEK_START, WEEK_END, limit=5)
    recommend_for(reader, WEEK_START, WEEK_START, limit=2)  # another window: same model
    assert ReaderModel.objects.get(user=reader).fitted_at == first.fitted_at

    Vote.objects.create(user=reader, paper=corpus["safety"]["old"][0])
    picks = recommend_for(reader, WEEK_START, WEEK_END, limit=5)
    refitted = ReaderModel.objects.get(user=reader)
    assert refitted.fitted_at > first.fitted_at and refitted.signals_version != first.signals_version
    assert refitted.positives == 2
    assert any(p.paper in corpus["safety"]["new"] for p in picks)


def test_papers_shown_several_times_or_opened_stop_coming_back(corpus, make_user):
    reader = make_user()
    for paper in corpus["robots"]["old"]:
        Vote.objects.create(user=reader, paper=paper)
    grasping, navigation = corpus["robots"]["new"]

    for _ in range(SHOWN_LIMIT - 1):
        record_shown(reader, [grasping.pk])
        a_day_passes(reader)
    assert grasping in [p.paper for p in recommend_for(reader, WEEK_START, WEEK_END, limit=5)]
    record_shown(reader, [grasping.pk])
    record_opened(reader, navigation.pk)

    shown = [p.paper for p in recommend_for(reader, WEEK_START, WEEK_END, limit=5)]
    assert grasping not in shown and navigation not in shown
    assert Impression.objects.get(user=reader, paper=grasping).shown_count == SHOWN_LIMIT


def a_day_passes(reader) -> None:
    Impression.objects.filter(user=reader).update(last_shown_at=F("last_shown_at") - timedelta(days=1))


def test_showing_a_paper_again_on_the_same_day_counts_once(corpus, make_user):
    reader = make_user()
    paper = corpus["robots"]["new"][0]

    for _ in range(SHOWN_LIMIT + 2):  # For you reloaded, then the digest of the same day
        record_shown(reader, [paper.pk])
    assert Impression.objects.get(user=reader, paper=paper).shown_count == 1
    a_day_passes(reader)
    record_shown(reader, [paper.pk])

    assert Impression.objects.get(user=reader, paper=paper).shown_count == 2


def test_each_kind_of_signal_names_itself_in_the_reason(corpus, make_user):
    reader = make_user()
    LibraryEntry.objects.create(user=reader, paper=corpus["proteins"]["old"][0], source="bibtex")

    (pick,) = recommend_for(reader, WEEK_START, WEEK_END, limit=1)

    assert pick.paper == corpus["proteins"]["new"][0]
    assert pick.reason == f"Similar to “{corpus['proteins']['old'][0].title}”, which is in your library"


def test_a_reader_without_signals_gets_nothing_rather_than_a_guess(corpus, make_user):
    assert recommend_for(make_user(), WEEK_START, WEEK_END, limit=5) == []
