"""``GET /api/papers/search``: a query naming a paper returns that paper alone; nonsense returns []."""

from __future__ import annotations

import pytest
from django.db import connection

import factories


@pytest.fixture(params=["local", "postgres"])
def papers(request, settings, tmp_path, db):
    """Three indexed papers, searched with each backend in turn (PostgreSQL when the database is)."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs DATABASE_URL to name a PostgreSQL database")
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    from paperfeed.search import sync

    made = {
        "unlearning": factories.paper(
            "Machine Unlearning for Large Language Models via Gradient Ascent",
            "We remove the influence of chosen training examples from a trained language model.",
            arxiv_id="2504.00001",
            doi="10.5555/unlearn.1",
        ),
        "speech": factories.paper(
            "Robust Speech Recognition under Noise",
            "Automatic speech recognition that stays accurate in loud rooms.",
            arxiv_id="2504.00002",
        ),
        "sorting": factories.paper(
            "Cache-Efficient Parallel Sorting Algorithms",
            "A sorting algorithm for multicore machines that minimizes cache misses.",
            arxiv_id="2504.00003",
        ),
    }
    sync.rebuild()
    return made


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["paper"]["id"] for item in response.json()]


@pytest.mark.parametrize(
    "query",
    [
        "2504.00001",
        "2504.00001v3",
        "arXiv:2504.00001",
        "https://arxiv.org/abs/2504.00001v2",
        "https://arxiv.org/pdf/2504.00001",
        "10.5555/unlearn.1",
        "doi:10.5555/UNLEARN.1",
        "https://doi.org/10.5555/unlearn.1",
        "machine unlearning for large language models via gradient ascent",
        "Machine Unlearning for Large Language Models via Gradiant Ascent",
    ],
)
def test_a_query_naming_one_paper_returns_that_paper_alone(client, papers, query):
    assert ids(client.get("/api/papers/search", {"q": query})) == ["2504.00001"]


def test_an_id_the_collection_does_not_hold_returns_nothing(client, papers):
    assert ids(client.get("/api/papers/search", {"q": "2504.09999"})) == []


@pytest.mark.parametrize("query", ["xqzvbnm", "xqzvbnm flurbo glark", "the flurbo", "models zorblax quindle"])
def test_random_letters_return_an_empty_list(client, papers, query):
    assert ids(client.get("/api/papers/search", {"q": query})) == []


def test_an_ordinary_query_still_returns_what_matches(client, papers):
    assert ids(client.get("/api/papers/search", {"q": "speech recognition"}))[0] == "2504.00002"
