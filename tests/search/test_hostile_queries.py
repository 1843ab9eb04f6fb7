"""Searches with boundary dates, control characters and hidden authors: answers, never a 500."""

from __future__ import annotations

import pytest

from paperfeed.papers.models import Authorship


@pytest.mark.parametrize(
    "params",
    [
        {"q": "before:9999-12-31 unlearning"},
        {"q": "after:0001-01-01 unlearning"},
        {"q": "unlearning", "before": "9999-12-31", "after": "0001-01-01"},
    ],
)
def test_the_first_and_last_days_of_the_calendar_are_filters_like_any_other(client, corpus, params):
    response = client.get("/search", params)
    assert response.status_code == 200
    assert f'id="title-{corpus["unlearning"].pk}"' in response.content.decode()


def test_control_characters_in_a_query_are_dropped(client, corpus):
    query = {"q": "unle\x01arning\x00"}
    response = client.get("/search", query)
    assert response.status_code == 200
    assert f'id="title-{corpus["unlearning"].pk}"' in response.content.decode()
    response = client.get("/api/papers/search", query)
    assert response.status_code == 200
    assert response.json()[0]["paper"]["id"] == corpus["unlearning"].arxiv_id


def test_the_api_search_takes_a_boundary_date_filter(client, corpus):
    response = client.get("/api/papers/search", {"q": "before:9999-12-31 unlearning"})
    assert response.status_code == 200
    assert corpus["unlearning"].arxiv_id in [item["paper"]["id"] for item in response.json()]


def test_a_hidden_author_is_neither_shown_nor_found(client, corpus):
    from paperfeed.search import sync

    paper = corpus["unlearning"]
    Authorship.objects.create(paper=paper, position=2, name="Hidden Person", hidden=True)
    sync.rebuild()
    html = client.get("/search", {"q": "unlearning"}).content.decode()
    assert "Grace Hopper" in html and "Hidden Person" not in html
    response = client.get("/search", {"q": 'author:"Hidden Person"'})
    assert f'id="title-{paper.pk}"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "O'Brien",
        "d'Alembert unlearning",
        "Jean-Pierre Serre",
        "Müller Łukasz Tomáš",
        "张伟",
        "深度学习 机器遗忘",
        "unlearning \u200b\u00a0models",
        '"unbalanced quote',
        'unlearning "',
        " ".join(["unlearning"] * 22) + " models",  # 250 characters
    ],
)
def test_names_scripts_and_stray_quotes_get_an_answer_never_a_500(client, corpus, query):
    assert len(query) <= 250
    response = client.get("/search", {"q": query})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        html = response.content.decode()
        assert 'role="status"' in html or 'role="alert"' in html
    api = client.get("/api/papers/search", {"q": query})
    assert api.status_code in (200, 400)
    assert isinstance(api.json(), list if api.status_code == 200 else dict)


def test_a_name_with_an_apostrophe_finds_its_paper(client, corpus, make_search_paper):
    from paperfeed.search import sync

    paper = make_search_paper(
        "Tidal heating of moons", "Orbital resonance heats icy moons.", authors=("Sinéad O'Brien",)
    )
    sync.catch_up()
    assert client.get("/api/papers/search", {"q": "O'Brien"}).json()[0]["paper"]["id"] == paper.arxiv_id


@pytest.mark.parametrize("query", ["-", "- -", "--", "-unlearning", '""'])
def test_a_lone_minus_empty_quotes_or_only_exclusions_are_explained(client, corpus, query):
    response = client.get("/search", {"q": query})
    assert response.status_code == 400
    assert "no words to search for" in response.content.decode()
    assert client.get("/api/papers/search", {"q": query}).status_code == 400


def test_a_query_of_250_characters_is_searched_and_251_is_refused(client, corpus):
    words = ("gradient ascent unlearning language model " * 6)[:250]
    assert client.get("/search", {"q": words}).status_code == 200
    refused = client.get("/search", {"q": words + "x"})
    assert refused.status_code == 400
    assert "limited to 250 characters" in refused.content.decode()


def test_a_category_the_collection_never_saw_says_nothing_matches_and_offers_to_drop_it(client, corpus):
    response = client.get("/search", {"q": "unlearning", "cat": "astro-ph.GA"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No papers match “unlearning”" in html
    assert 'href="/search?q=unlearning"' in html
    assert client.get("/api/papers/search", {"q": "unlearning cat:astro-ph.GA"}).json() == []
