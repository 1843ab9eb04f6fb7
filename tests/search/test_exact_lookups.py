"""Exact titles, ids and DOIs find their paper from the database alone, on every backend."""

from __future__ import annotations

import pytest

from paperfeed.search import sync
from paperfeed.search.lookup import exact_matches
from paperfeed.search.public import search_papers


def first(query):
    hits, _ = search_papers(query)
    return hits[0].paper if hits else None


def test_an_exact_title_finds_its_paper_before_the_index_is_built(search_backend, make_search_paper):
    paper = make_search_paper("Sparse Attention for Long Documents", "Attention over long inputs.")
    assert first("sparse attention for long documents") == paper
    assert first("SPARSE  ATTENTION for Long Documents") == paper


def test_an_exact_title_finds_a_paper_the_index_has_not_caught_up_with(corpus, make_search_paper):
    fresh = make_search_paper("Mamba: Linear-Time Sequence Modeling", "State space models with selection.")
    assert sync.status().stale == 1
    assert first("Mamba: Linear-Time Sequence Modeling") == fresh
    assert first("mamba: linear-time sequence modeling") == fresh


def test_an_exact_title_wins_over_papers_that_repeat_its_words(search_backend, make_search_paper):
    for i in range(15):
        make_search_paper(
            f"Diffusion models diffusion models {i}", "Diffusion models, diffusion models again."
        )
    target = make_search_paper("Diffusion Models", "A survey.")
    sync.rebuild()
    assert first("diffusion models") == target


def test_a_title_typed_without_its_punctuation_is_still_found_through_the_keyword_head(corpus):
    assert first("Diffusion Models for High Resolution Image Synthesis") == corpus["diffusion"]


def test_a_hidden_paper_is_not_found_by_its_title(search_backend, make_search_paper):
    make_search_paper("Sparse Attention for Long Documents", "Attention over long inputs.", hidden=True)
    assert exact_matches("Sparse Attention for Long Documents") == []


@pytest.mark.parametrize("query", ["attention", "a b c not a title"])
def test_a_single_word_or_an_unknown_title_pins_nothing(search_backend, make_search_paper, query):
    make_search_paper("Attention", "A paper titled with one word.")
    assert exact_matches(query) == []
