"""Paper vectors for recommendations come from the search index, the same as its own lookups."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.recommend.vectors import EmbeddingSpace, LexicalSpace, choose_space

pytestmark = pytest.mark.django_db


def test_the_index_vectors_are_read_in_one_gather_equal_to_the_index_lookup(indexed, make_paper):
    from paperfeed.search import sync

    added = make_paper(
        "Robot swarms that build structures", abstract="Many small robots cooperate to build walls."
    )
    sync.catch_up()  # the new paper's vector is in a segment, not the base
    space = choose_space()
    assert isinstance(space, EmbeddingSpace)
    wanted = [added.pk, *(p.pk for topic in indexed.values() for p in topic["new"]), 10**9]

    pks, matrix = space.matrix(wanted)

    expected = space.backend.vectors_for(wanted)
    assert pks.tolist() == wanted[:-1]  # in the order asked, without the unknown pk
    for pk, row in zip(pks, matrix, strict=True):
        assert np.allclose(row, expected[int(pk)])


def test_without_an_index_the_words_make_the_vectors(corpus):
    space = choose_space()
    paper = corpus["robots"]["old"][0]

    pks, matrix = space.matrix([paper.pk])

    assert isinstance(space, LexicalSpace) and pks.tolist() == [paper.pk]
    assert np.isclose(np.linalg.norm(matrix[0]), 1.0)
