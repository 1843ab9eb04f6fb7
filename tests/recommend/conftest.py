"""Papers in a few clear topics, old ones (what readers liked) and this week's (what to rank),
on a real search index (tantivy + the MiniLM embeddings) when a test asks for ``indexed``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

OLD = datetime(2026, 9, 1, tzinfo=UTC)
WEEK_START, WEEK_END = date(2026, 11, 16), date(2026, 11, 22)
NEW = datetime(2026, 11, 18, 12, tzinfo=UTC)

TOPICS = {
    "robots": [
        (
            "Legged robot locomotion with reinforcement learning",
            "Quadruped robots learn to walk on rough terrain with policy gradients in simulation.",
        ),
        (
            "Robot grasping from point clouds",
            "A robot arm learns to grasp unseen objects from depth camera point clouds.",
        ),
        (
            "Sim-to-real transfer for robot manipulation",
            "Policies trained in simulation transfer to real robot arms picking and placing objects.",
        ),
        (
            "Visual navigation for mobile robots",
            "A mobile robot navigates indoor buildings from camera images with learned maps.",
        ),
    ],
    "safety": [
        (
            "Jailbreaking aligned language models",
            "Adversarial prompts make chat assistants produce harmful answers despite safety training.",
        ),
        (
            "Red teaming large language models",
            "Automated red teaming finds prompts that elicit unsafe behaviour from LLM chatbots.",
        ),
        (
            "Refusal training for safer chat assistants",
            "Language models learn to refuse harmful requests while staying helpful.",
        ),
        (
            "Detecting deceptive behaviour in LLMs",
            "Probes on hidden activations reveal when a language model lies to its users.",
        ),
    ],
    "astro": [
        (
            "Exoplanet atmospheres from transit spectra",
            "Transmission spectroscopy of hot Jupiters reveals water vapour in exoplanet atmospheres.",
        ),
        (
            "Dark matter halos of dwarf galaxies",
            "Rotation curves of dwarf galaxies constrain the density profiles of dark matter halos.",
        ),
        (
            "Gravitational waves from merging black holes",
            "Binary black hole mergers observed by interferometers measure masses and spins.",
        ),
    ],
    "proteins": [
        (
            "Protein structure prediction with transformers",
            "Attention over residue pairs predicts protein folding structures from sequences.",
        ),
        (
            "Enzyme design by diffusion models",
            "Generative diffusion models design new enzymes with catalytic activity.",
        ),
        (
            "Protein language models for mutation effects",
            "Language models trained on protein sequences predict the effects of mutations.",
        ),
    ],
    "auctions": [
        (
            "Auction design for online advertising",
            "Second price auctions for sponsored search and reserve prices for advertisers.",
        ),
        (
            "Mechanism design for fair division",
            "Truthful mechanisms divide goods fairly among agents with private valuations.",
        ),
        (
            "Pricing in two-sided marketplaces",
            "Platforms set prices for buyers and sellers in ride-sharing marketplaces.",
        ),
    ],
}


@pytest.fixture
def corpus(make_paper):
    """Each topic's first two papers are old, the rest published this week: {topic: {"old", "new"}}."""
    papers: dict[str, dict[str, list]] = {}
    for topic, items in TOPICS.items():
        old = [make_paper(t, abstract=a, published=OLD) for t, a in items[:2]]
        new = [make_paper(t, abstract=a, published=NEW) for t, a in items[2:]]
        papers[topic] = {"old": old, "new": new}
    return papers


@pytest.fixture
def indexed(corpus, settings, tmp_path):
    """The corpus on a real local search index, so recommendations use its embeddings."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_BACKEND = "local"
    from paperfeed.search import sync

    sync.rebuild()
    return corpus
