"""Fixtures for search tests: a small real corpus indexed by a real backend with the real model."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

import factories


@pytest.fixture(params=["local", "postgres"])
def search_backend(request, settings, db):
    """Each backend in turn; PostgreSQL only when the test database is PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend needs DATABASE_URL to name a PostgreSQL database")
    settings.SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def make_search_paper(db):
    """The shared paper factory (``make_paper``) with the search tests' defaults: a title and an
    abstract to find, one author, published 1 April 2025, a 2504 arXiv id."""

    def make(title: str, abstract: str, *, authors: tuple[str, ...] = ("Ada Lovelace",), **fields):
        fields.setdefault("arxiv_id", factories.arxiv_id("2504"))
        fields.setdefault("published", datetime(2025, 4, 1, tzinfo=UTC))
        return factories.paper(title, abstract, authors=authors, **fields)

    return make


CORPUS = [
    dict(
        key="unlearning",
        title="Machine Unlearning for Large Language Models via Gradient Ascent",
        abstract="We study how to remove the influence of specific training examples from a trained "
        "language model so that it forgets sensitive knowledge, without retraining from scratch.",
        authors=("Grace Hopper", "Alan Turing"),
        categories="cs.LG cs.CL",
        published=datetime(2025, 5, 2, tzinfo=UTC),
        upvotes=40,
        github_repo="https://github.com/example/unlearn",
    ),
    dict(
        key="forgetting",
        title="Certified Data Deletion in Neural Networks",
        abstract="Regulations grant a right to be forgotten. We give certified removal guarantees that "
        "make a network behave as if a deleted record had never been seen during training.",
        authors=("Barbara Liskov",),
        categories="cs.LG cs.CR",
        published=datetime(2024, 11, 20, tzinfo=UTC),
        upvotes=5,
    ),
    dict(
        key="diffusion",
        title="Diffusion Models for High-Resolution Image Synthesis",
        abstract="We present a latent diffusion model that generates photorealistic images from text "
        "prompts, trained on billions of image-caption pairs.",
        authors=("Ada Lovelace", "Claude Shannon"),
        categories="cs.CV",
        published=datetime(2025, 2, 10, tzinfo=UTC),
        upvotes=90,
        doi="10.1234/diffusion.2025",
    ),
    dict(
        key="protein",
        title="Protein Structure Prediction with Geometric Transformers",
        abstract="Predicting the three-dimensional fold of amino acid chains with an equivariant "
        "transformer that reasons over residue geometry.",
        authors=("Rosalind Franklin",),
        categories="q-bio.BM cs.LG",
        published=datetime(2025, 6, 15, tzinfo=UTC),
        upvotes=12,
        github_repo="https://github.com/example/fold",
    ),
    dict(
        key="rl",
        title="Reinforcement Learning from Human Feedback at Scale",
        abstract="We align a chat assistant with human preferences using a learned reward model and "
        "proximal policy optimization over millions of comparisons.",
        authors=("John von Neumann",),
        categories="cs.CL cs.AI",
        published=datetime(2025, 3, 30, tzinfo=UTC),
        upvotes=60,
    ),
    dict(
        key="speech",
        title="Robust Speech Recognition under Noise",
        abstract="Automatic speech recognition that stays accurate in loud environments, using "
        "self-supervised audio representations and data augmentation.",
        authors=("Hedy Lamarr",),
        categories="eess.AS cs.SD",
        published=datetime(2023, 8, 1, tzinfo=UTC),
        upvotes=3,
    ),
    dict(
        key="graphs",
        title="Message Passing Graph Neural Networks for Molecules",
        abstract="Graph neural networks predict molecular properties by passing messages between atoms "
        "along chemical bonds.",
        authors=("Marie Curie",),
        categories="cs.LG physics.chem-ph",
        published=datetime(2024, 1, 5, tzinfo=UTC),
        upvotes=8,
    ),
    dict(
        key="sorting",
        title="Cache-Efficient Parallel Sorting Algorithms",
        abstract="We design a sorting algorithm for multicore machines that minimizes cache misses and "
        "beats the standard library by a wide margin.",
        authors=("Donald Knuth",),
        categories="cs.DS",
        published=datetime(2022, 9, 9, tzinfo=UTC),
        upvotes=1,
    ),
]


@pytest.fixture
def corpus(make_search_paper, search_backend):
    """The papers above, indexed: a dict from key to Paper."""
    from paperfeed.search import sync

    papers = {}
    for spec in CORPUS:
        spec = dict(spec)
        key = spec.pop("key")
        papers[key] = make_search_paper(spec.pop("title"), spec.pop("abstract"), **spec)
    sync.rebuild()
    return papers
