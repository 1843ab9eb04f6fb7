"""Nothing is invented: a query of made-up words answers with no papers, while a query with a
typo, or one word no paper uses beside real ones, still finds what it means (search/ranking.py)."""

from __future__ import annotations

import pytest

from paperfeed.search import ranking
from paperfeed.search.public import search_papers

MADE_UP = ["gjupb bjsndsd", "wune wafuzij tado", "qzvhcytvtr", "hulul cuhah dasugul"]


class Closer:
    """The real backend, with every paper's similarity to the query raised: as if the model had
    found papers near whatever was typed (made-up words do land near some paper, and the more
    papers a site holds, the nearer)."""

    def __init__(self, backend, lift: float = 0.5) -> None:
        self.backend, self.lift = backend, lift

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def dense(self, vector, filters, limit, exclude=None):
        found = self.backend.dense(vector, filters, limit, exclude=exclude)
        return [(pk, min(1.0, score + self.lift)) for pk, score in found]


@pytest.fixture
def nearer(monkeypatch):
    real = ranking.get_backend
    monkeypatch.setattr(ranking, "get_backend", lambda: Closer(real()))


@pytest.mark.parametrize("query", MADE_UP)
def test_made_up_words_answer_empty_on_the_site_and_in_the_api(client, corpus, query):
    html = client.get("/search", {"q": query}).content.decode()
    assert f"No papers match “{query}”" in html
    assert 'id="title-' not in html
    response = client.get("/api/papers/search", {"q": query})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "dense"])
@pytest.mark.parametrize("query", MADE_UP)
def test_made_up_words_find_nothing_even_when_papers_seem_near_in_meaning(corpus, nearer, query, mode):
    # The nearest paper alone cannot tell made-up words from misspelt ones: their spelling does.
    assert search_papers(query, mode=mode) == ([], 0)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("speech recogniton under noise", "speech"),  # one typo among real words
        ("reinforcement learnign from human feedback", "rl"),
        ("protien structure prediction", "protein"),
        ("certified data deletoin", "forgetting"),
        ("QZRNet protein structure prediction", "protein"),  # an acronym no paper uses yet
    ],
)
def test_a_query_with_one_word_no_paper_uses_still_finds_papers(corpus, query, key):
    hits, total = search_papers(query)
    assert total >= 1
    assert corpus[key].pk in [hit.paper.pk for hit in hits[:3]]


@pytest.mark.parametrize(
    ("query", "key"), [("protien predicton", "protein"), ("difusion modles", "diffusion")]
)
def test_misspelt_words_alone_find_the_papers_they_nearly_spell(corpus, nearer, query, key):
    # Every word is unknown, but each is a near spelling of a word of the papers found.
    hits, total = search_papers(query)
    assert total >= 1
    assert corpus[key].pk in [hit.paper.pk for hit in hits[:3]]


def test_real_words_no_paper_uses_still_find_papers_near_in_meaning(corpus, nearer):
    # "enzyme biology": words of the language, not of this collection; meaning searches for them.
    hits, total = search_papers("enzyme biology", mode="dense")
    assert total >= 1


def test_the_site_offers_the_spelling_it_recognised(client, corpus, nearer):
    html = client.get("/search", {"q": "protien predicton"}).content.decode()
    assert 'href="/search?q=protein+prediction"' in html
