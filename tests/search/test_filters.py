"""The author filter matches a person's name, not a piece of text (search/filters.py)."""

from __future__ import annotations

import pytest

from paperfeed.search.public import search_papers


def found(query: str) -> set[str]:
    hits, _ = search_papers(query, mode="keyword")
    return {hit.paper.title for hit in hits}


@pytest.fixture
def named(make_search_paper, search_backend):
    from paperfeed.search import sync

    papers = {
        "he": make_search_paper("Residual networks", "Deep residual learning.", authors=("Kaiming He",)),
        "middle": make_search_paper(
            "Mask networks", "Instance segmentation networks.", authors=("Kaiming X. He",)
        ),
        "hedy": make_search_paper("Frequency hopping networks", "Radio networks.", authors=("Hedy Lamarr",)),
        "jose": make_search_paper("Accented networks", "Networks of names.", authors=("José Núñez",)),
        "other": make_search_paper("Sparse networks", "Pruning networks.", authors=("Shaoqing Ren",)),
    }
    sync.rebuild()
    return {key: paper.title for key, paper in papers.items()}


def test_a_full_name_in_either_order_finds_that_person_and_longer_forms_of_the_name(named):
    for typed in ('author:"Kaiming He"', 'author:"He, Kaiming"', 'author:"kaiming he"'):
        assert found(f"networks {typed}") == {named["he"], named["middle"]}, typed


def test_a_name_is_never_matched_inside_another_word(named):
    # "He" as a substring was in "Hedy" and "Shaoqing": only people surnamed He match.
    assert found('networks author:"He"') == {named["he"], named["middle"]}
    assert found('networks author:"Ren"') == {named["other"]}


def test_accents_and_initials_are_forgiven(named):
    assert found('networks author:"Jose Nunez"') == {named["jose"]}
    assert found('networks author:"K. He"') == {named["he"], named["middle"]}


def test_a_name_nobody_has_finds_nothing_and_the_filter_alone_lists_the_papers(named):
    hits, total = search_papers('networks author:"Nobody Atall"')
    assert (hits, total) == ([], 0)
    hits, total = search_papers('author:"Hedy Lamarr"')
    assert [hit.paper.title for hit in hits] == [named["hedy"]]
