"""Warming up: the model is loaded and the index opened before the first search."""

from __future__ import annotations

import threading

from paperfeed.search import embedding
from paperfeed.search.public import search_papers, warm_up


def test_warm_up_loads_the_model_and_opens_the_index(corpus):
    embedding._embedder.cache_clear()
    took = warm_up()
    assert took >= 0
    assert embedding._embedder.cache_info().currsize == 1
    hits, _ = search_papers("protein folding")
    assert hits


def test_warm_up_in_the_background_returns_a_thread_that_finishes(corpus):
    thread = warm_up(background=True)
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=120)
    assert not thread.is_alive()


def test_warm_up_before_any_index_exists_does_not_fail(search_backend, make_paper):
    make_paper("A paper", "Not indexed yet.")
    assert warm_up() >= 0
