"""The /search page as a person uses it: results, highlights, filters as controls, clear errors."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "form", ["{id}", "arXiv:{id}", "https://arxiv.org/abs/{id}v1", "arxiv.org/pdf/{id}v2"]
)
def test_an_arxiv_id_or_link_goes_straight_to_the_paper_page(client, corpus, form):
    target = corpus["graphs"]
    response = client.get("/search", {"q": form.format(id=target.arxiv_id)})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()


@pytest.mark.parametrize(
    "query",
    [
        "10.1234/diffusion.2025",
        "https://doi.org/10.1234/DIFFUSION.2025",
        "diffusion models for high-resolution image synthesis",
        "Diffusion Models for High Resolution Image Synthesis",
        "Diffusion Modles for High-Resolution Image Synthesis",
    ],
)
def test_a_doi_or_a_nearly_exact_title_goes_straight_to_the_paper_page(client, corpus, query):
    response = client.get("/search", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == corpus["diffusion"].get_absolute_url()


def test_a_title_shared_by_two_papers_lists_both_first_instead_of_choosing(client, corpus, make_search_paper):
    from paperfeed.search import sync

    twin = make_search_paper("Certified Data Deletion in Neural Networks", "Another paper, the same title.")
    sync.catch_up()
    response = client.get("/search", {"q": "certified data deletion in neural networks"})
    assert response.status_code == 200
    html = response.content.decode()
    shown = [html.index(f'id="title-{paper.pk}"') for paper in (twin, corpus["forgetting"])]
    others = [html.index(f'id="title-{p.pk}"') for p in corpus.values() if f'id="title-{p.pk}"' in html]
    assert max(shown) <= sorted(others)[1]  # the two namesakes are the first two results


def test_an_id_not_in_the_collection_says_so_instead_of_listing_other_papers(client, corpus):
    response = client.get("/search", {"q": "2301.99999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No papers match “2301.99999”" in html
    assert 'id="title-' not in html


def test_random_letters_match_no_papers_and_the_page_says_so(client, corpus):
    response = client.get("/search", {"q": "xqzvbnm flurbo glark"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No papers match “xqzvbnm flurbo glark”" in html
    assert 'id="title-' not in html
    assert "Did you mean" not in html  # no word of the collection is close to these


def test_a_common_word_does_not_carry_words_no_paper_uses(client, corpus):
    response = client.get("/search", {"q": "the models flurbo glark"})
    assert "No papers match" in response.content.decode()


def test_a_misspelt_query_offers_the_collections_spelling(client, corpus):
    response = client.get("/search", {"q": "protien structure predicton"})
    html = response.content.decode()
    assert "Did you mean" in html
    assert 'href="/search?q=protein+structure+prediction"' in html


def test_a_search_that_finds_nothing_offers_to_drop_each_filter(client, corpus):
    response = client.get("/search", {"q": "speech recognition year:2025", "cat": "cs.CV"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No papers match" in html
    assert 'href="/search?q=speech+recognition+year%3A2025"' in html  # without the category
    assert 'href="/search?q=speech+recognition&amp;cat=cs.CV"' in html  # without the year
    assert "Search without year:2025" in html


def test_the_count_is_the_papers_that_match_not_every_paper(client, corpus):
    html = client.get("/search", {"q": "speech recognition"}).content.decode()
    listed = html.count('id="title-')
    assert f"{listed} paper{'s' if listed > 1 else ''} match" in html
    assert 1 <= listed < len(corpus)
    assert f'id="title-{corpus["sorting"].pk}"' not in html  # far in meaning, no shared word


def test_a_minus_word_leaves_out_the_papers_that_use_it(client, corpus):
    with_word = client.get("/search", {"q": "networks"}).content.decode()
    assert f'id="title-{corpus["graphs"].pk}"' in with_word
    without = client.get("/search", {"q": "networks -molecules"}).content.decode()
    assert f'id="title-{corpus["forgetting"].pk}"' in without
    assert f'id="title-{corpus["graphs"].pk}"' not in without


def test_the_page_has_one_query_box_and_the_filters_keep_the_query(client, corpus):
    html = client.get("/search", {"q": "speech recognition", "cat": "cs.SD"}).content.decode()
    assert html.count('name="q"') == 2  # the header's box, and the filter form's hidden copy
    assert html.count('type="search"') == 1
    assert '<input type="hidden" name="q" value="speech recognition">' in html
    assert '<input type="hidden" name="cat" value="cs.SD">' in html  # a new query keeps the filter


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
    assert "4 papers match" in response.content.decode()


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
