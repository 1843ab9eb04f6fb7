"""Warming up: the model is loaded and the index opened before the first search."""

from __future__ import annotations

import logging
import threading

from paperfeed.search import embedding
from paperfeed.search.public import search_papers, warm_up


def test_warm_up_loads_the_model_and_opens_the_index(corpus):
    embedding._embedder.cache_clear()
    warm_up()
    assert embedding._embedder.cache_info().currsize == 1
    hits, _ = search_papers("protein folding")
    assert hits


def test_warm_up_in_the_background_returns_a_thread_that_finishes(corpus):
    thread = warm_up(background=True)
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=120)
    assert not thread.is_alive()


def test_warm_up_before_any_index_exists_does_not_fail(search_backend, make_search_paper, caplog):
    # warm_up() never raises (it logs a failure instead), so the log is what tells success apart.
    make_search_paper("A paper", "Not indexed yet.")
    embedding._embedder.cache_clear()
    with caplog.at_level(logging.WARNING):
        warm_up()
    assert [record.getMessage() for record in caplog.records] == []
    assert embedding._embedder.cache_info().currsize == 1  # the model is loaded all the same
