"""A window's candidates: kept in the process until the papers change."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.recommend import candidates
from paperfeed.recommend.vectors import LexicalSpace
from recommend.conftest import NEW, WEEK_END, WEEK_START

pytestmark = pytest.mark.django_db


def test_a_window_is_read_once_until_a_paper_is_added(corpus, make_paper, django_assert_num_queries):
    first = candidates.window(WEEK_START, WEEK_END)
    with django_assert_num_queries(1):  # the feed version only
        again = candidates.window(WEEK_START, WEEK_END)
    assert again is first

    added = make_paper("Quadruped robots climb stairs", abstract="Legged robots on stairs.", published=NEW)

    assert added.pk in candidates.window(WEEK_START, WEEK_END).pks


def test_candidates_leave_out_the_excluded_papers_with_their_vectors(corpus):
    window = candidates.window(WEEK_START, WEEK_END)
    space = LexicalSpace()
    first = int(window.pks[0])

    pks, matrix = window.candidates(space, {first})

    assert first not in pks and len(pks) == len(window.pks) - 1
    _, expected = space.matrix(pks.tolist())
    assert np.allclose(matrix, expected)
