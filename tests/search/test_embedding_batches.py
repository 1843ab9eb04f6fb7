"""Documents on several threads: the same batches as on one, so the same vectors (the shipped
int8 model scales its activations per batch, so a text's vector depends on its batch)."""

from __future__ import annotations

import numpy as np

from paperfeed.search.embedding import Embedder, document_text, model_location

WORDS = [
    "lattice",
    "isogeny",
    "protein",
    "folding",
    "attention",
    "sorting",
    "cache",
    "speech",
    "graph",
    "diffusion",
]


def texts(count: int) -> list[str]:
    """Titles and abstracts of many lengths, so batches differ in padding."""
    return [
        document_text(f"Paper {n} on {WORDS[n % len(WORDS)]}", " ".join(WORDS[: n % 9 + 1] * (n % 23 + 1)))
        for n in range(count)
    ]


def test_batches_side_by_side_make_the_vectors_of_one_batch_at_a_time():
    documents = texts(150)
    alone = Embedder(model_location(), "onnx-int8")
    alone.workers = 1
    side_by_side = Embedder(model_location(), "onnx-int8")
    side_by_side.workers = 3
    expected = alone.encode_documents(documents)
    vectors = side_by_side.encode_documents(documents)
    assert np.abs(vectors - expected).max() < 1e-6
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
