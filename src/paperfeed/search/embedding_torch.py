"""Run a sentence-transformers model with torch (the reference runtime)."""

from __future__ import annotations

import numpy as np


class TorchEncoder:
    def __init__(self, location: str) -> None:
        from sentence_transformers import SentenceTransformer

        # local_files_only: a model name resolves from the local cache only, never from a hub.
        self.model = SentenceTransformer(location, device="cpu", local_files_only=True)
        self.dim = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
