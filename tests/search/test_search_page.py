"""The /search page as a person uses it: results, highlights, filters as controls, clear errors."""

from __future__ import annotations

import pytest


def test_an_arxiv_id_shows_that_paper_first(client, corpus):
    target = corpus["graphs"]
    response = client.get("/search", {"q": f"https://arxiv.org/abs/{target.arxiv_id}v1"})
    assert response.status_code == 200
    html = response.content.decode()
    first_hit = html.index('id="title-')
    assert html[first_hit:].startswith(f'id="title-{target.pk}"')


def test_results_show_title_authors_date_upvotes_and_highlighted_words(client, corpus):
    response = client.get("/search", {"q": "speech recognition"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Speech</mark> <mark>Recognition</mark>" in html
    assert "Hedy Lamarr" in html
    assert "Aug 1, 2023" in html
    assert 'value="speech recognition"' in html  # the header box keeps the query


def test_filters_are_form_controls_that_narrow_results(client, corpus):
    response = client.get("/search", {"q": "model", "cat": "cs.CV", "sort": "newest"})
    html = response.content.decode()
    assert f'id="title-{corpus["diffusion"].pk}"' in html
    assert f'id="title-{corpus["unlearning"].pk}"' not in html
    assert 'name="cat" value="cs.CV"' in html
    assert '<option value="newest" selected>' in html
    response = client.get(
        "/search", {"q": "model", "code": "1", "after": "2025-01-01", "before": "2025-12-31"}
    )
    html = response.content.decode()
    assert f'id="title-{corpus["unlearning"].pk}"' in html
    assert f'id="title-{corpus["diffusion"].pk}"' not in html


def test_filters_alone_list_papers(client, corpus):
    response = client.get("/search", {"cat": "cs.LG"})
    assert response.status_code == 200
    assert "4 results" in response.content.decode()


def test_an_empty_search_shows_help_not_an_error(client, corpus):
    response = client.get("/search")
    assert response.status_code == 200
    assert "Search by words or by meaning" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "Queries are limited to 250 characters."),
        ({"q": "venue:neurips"}, "Unknown filter"),
        ({"q": "after:2025-13-01"}, "not a real date"),
        ({"q": "model", "after": "2025-02-30"}, "not a real date"),
        ({"q": "model", "after": "2025-06-01", "before": "2025-01-01"}, "date range is empty"),
        ({"q": "model", "cat": "cs LG;"}, "not an arXiv category"),
    ],
)
def test_bad_queries_get_a_clear_message_and_a_400(client, corpus, params, message):
    response = client.get("/search", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html


@pytest.mark.parametrize("query", ['"', "NEAR OR -", "*:*", "a:b:c", "')--", "page=-1"])
def test_engine_syntax_never_gives_a_server_error(client, corpus, query):
    response = client.get("/search", {"q": query, "page": "-3"})
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.content.decode()


def test_pages_link_to_each_other(client, corpus, make_search_paper):
    from paperfeed.search import sync

    for i in range(25):
        make_search_paper(f"Sparse attention variant {i}", "Sparse attention for long documents.")
    sync.catch_up()
    first = client.get("/search", {"q": "sparse attention"}).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/search", {"q": "sparse attention", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_the_related_papers_include_lists_neighbours(corpus):
    from django.template.loader import render_to_string

    from paperfeed.search.public import related_papers

    html = render_to_string(
        "search/_related.html", {"related_papers": related_papers(corpus["unlearning"], 3)}
    )
    assert "Related papers" in html
    assert corpus["forgetting"].title in html
