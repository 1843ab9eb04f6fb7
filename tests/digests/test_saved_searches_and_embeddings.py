"""Saved searches and "for you" on a real search index (tantivy + the MiniLM embeddings)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.helpers import send, text_part
from paperfeed.community.models import Vote
from paperfeed.digests.models import SavedSearch

pytestmark = pytest.mark.django_db

NEW = datetime(2026, 11, 19, 12, tzinfo=UTC)  # inside Friday's daily window
OLD = datetime(2026, 9, 1, tzinfo=UTC)


@pytest.fixture
def indexed(make_paper, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_BACKEND = "local"
    papers = {
        "folding_new": make_paper(
            "Protein folding with diffusion transformers",
            abstract="A diffusion transformer predicts protein folding structures from sequences.",
            published=NEW,
        ),
        "folding_old": make_paper(
            "Protein folding by coevolution analysis",
            abstract="Protein folding contacts inferred from coevolution in sequence alignments.",
            published=OLD,
        ),
        "vision_new": make_paper(
            "Open vocabulary object detection",
            abstract="Detecting objects of any category in images with vision language models.",
            published=NEW,
        ),
        "rl_liked": make_paper(
            "Policy optimisation for robot locomotion",
            abstract="Reinforcement learning trains legged robots to walk with policy gradients.",
            published=OLD,
        ),
        "rl_new": make_paper(
            "Sim-to-real reinforcement learning for quadruped robots",
            abstract="Legged robot locomotion policies trained by reinforcement learning in simulation.",
            published=NEW,
        ),
    }
    from paperfeed.search import sync

    sync.rebuild()
    return papers


def test_a_saved_search_brings_new_matching_papers_only(smtp, make_subscriber, indexed):
    subscription = make_subscriber("searcher@example.org", include_trending=False)
    SavedSearch.objects.create(subscription=subscription, query="protein folding")

    send("daily")

    (digest,) = smtp.digests_to("searcher@example.org")
    text = text_part(digest)
    assert "== New for “protein folding” ==" in text
    assert indexed["folding_new"].title in text
    assert indexed["folding_old"].title not in text  # published before the window
    assert indexed["vision_new"].title not in text


def test_for_you_uses_the_search_indexs_embeddings_when_it_has_them(
    smtp, make_user, make_subscriber, indexed
):
    from paperfeed.recommend.vectors import EmbeddingSpace, choose_space

    assert isinstance(choose_space(), EmbeddingSpace)
    reader = make_user(email="robots@example.org")
    Vote.objects.create(user=reader, paper=indexed["rl_liked"])
    make_subscriber("robots@example.org", user=reader, include_trending=False, for_you_count=1)

    send("daily")

    text = text_part(smtp.digests_to("robots@example.org")[0])
    assert indexed["rl_new"].title in text
    assert "Similar to “Policy optimisation for robot locomotion”, which you upvoted" in text
