"""The tf-idf lexicon of recommendations: terms, weights, storage, and refits as the corpus grows."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.recommend import lexicon
from paperfeed.recommend.lexicon import Lexicon, tokens
from paperfeed.recommend.models import StoredLexicon


def test_tokens_drop_stop_words_fold_accents_and_pair_neighbours():
    assert tokens("The Schrödinger bridge for diffusion models") == [
        "schrodinger",
        "bridge",
        "diffusion",
        "models",
        "schrodinger bridge",
        "bridge diffusion",
        "diffusion models",
    ]


def corpus(count: int) -> list[str]:
    """``count`` texts: a word in every one, one in five, one in two, one in one, and filler."""
    texts = [f"everywhere filler{i} filler{i}" + (" often" if i < 5 else "") for i in range(count)]
    texts[0] += " quadruped"
    texts[1] += " quadruped unique"
    return texts


def test_the_vocabulary_keeps_distinctive_terms_and_weighs_rarer_ones_more():
    fitted = Lexicon.fit(corpus(60))

    assert "quadruped" in fitted.index  # in two papers
    assert "unique" not in fitted.index  # in one: says nothing about a second paper
    assert "everywhere" not in fitted.index  # in all: says nothing about any
    assert fitted.idf[fitted.index["quadruped"]] > fitted.idf[fitted.index["often"]]


def test_vectors_are_unit_rows_and_unknown_words_count_for_nothing():
    fitted = Lexicon.fit(corpus(60))

    rows = fitted.vectorise(["quadruped filler3 never-seen", "", "never seen words"])

    assert np.allclose(rows.norms(), [1.0, 0.0, 0.0])
    assert rows[1:].nnz == 0
    same = fitted.vectorise(["quadruped filler3"])
    assert [a.tolist() for a in same.row(0)] == [a.tolist() for a in rows.row(0)]


def test_a_stored_lexicon_loads_with_the_same_version():
    fitted = Lexicon.fit(corpus(60))

    loaded = Lexicon.from_bytes(fitted.to_bytes(), fitted.papers)

    assert loaded.version == fitted.version and loaded.index == fitted.index
    assert Lexicon.fit(corpus(61)).version != fitted.version


@pytest.fixture
def fresh_lexicon():
    lexicon.current.forget()
    yield
    lexicon.current.forget()


@pytest.mark.django_db
def test_a_small_corpus_is_refitted_when_papers_change(fresh_lexicon, make_paper):
    make_paper("Quadruped locomotion", abstract="Legged robots walk.")
    assert "quadruped" in lexicon.current.get().index
    assert "tokamak" not in lexicon.current.get().index

    paper = make_paper("Tokamak plasma control", abstract="Reinforcement learning steers plasma.")

    assert "tokamak" in lexicon.current.get().index
    assert lexicon.current.matrix([paper.pk]).nnz > 0
    assert not StoredLexicon.objects.exists()


@pytest.mark.django_db
def test_a_large_corpus_is_fitted_once_stored_and_refitted_when_it_grows(
    fresh_lexicon, make_paper, monkeypatch
):
    monkeypatch.setattr(lexicon, "SMALL_CORPUS", 3)
    monkeypatch.setattr(lexicon, "CHECK_EVERY", 0.0)
    fits = []
    real_fit = Lexicon.fit.__func__
    monkeypatch.setattr(
        Lexicon, "fit", classmethod(lambda cls, texts: fits.append(1) or real_fit(cls, texts))
    )
    for n in range(4):
        make_paper(f"Paper {n} on graphs", abstract="Graph neural networks.")

    first = lexicon.current.get()
    lexicon.current.forget()  # another process, or another machine: reads the stored one
    again = lexicon.current.get()

    assert len(fits) == 1 and again.version == first.version and again.index == first.index
    assert StoredLexicon.objects.get().papers == 4
    make_paper("Paper 4 on graphs", abstract="Graph neural networks.")  # 5 = 1.25 × 4
    lexicon.current.get()
    assert len(fits) == 2 and StoredLexicon.objects.order_by("-pk").first().papers == 5
