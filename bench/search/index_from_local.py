"""Give a second database the vectors of an index already built, so two backends are compared
on the very same document vectors (and the model does not embed the dev set twice).

    # the dev set's local index: its vectors by arXiv id
    PAPERFEED_DATA_DIR=/tmp/dev13 python bench/search/index_from_local.py dump /tmp/dev13/vectors.npz
    # a PostgreSQL database holding the same papers: a full rebuild with those vectors
    python -m paperfeed.core.devdb run --dir /tmp/pg13 -- \
        env PAPERFEED_DATA_DIR=/tmp/dev13pg \
        python bench/search/index_from_local.py load /tmp/dev13/vectors.npz

``load`` runs ``sync.rebuild`` (the path ``paperfeed index rebuild`` takes) with an embedder that
answers from the file instead of the model; every paper must be in it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from paperfeed.papers.models import Paper  # noqa: E402
from paperfeed.search import sync  # noqa: E402
from paperfeed.search.backends import get_backend  # noqa: E402
from paperfeed.search.embedding import document_text  # noqa: E402


class StoredEmbedder:
    """Answers ``encode_documents`` with stored vectors, found by the documents' text."""

    def __init__(self, path: Path) -> None:
        data = np.load(path)
        self.name = str(data["model"])
        vectors = dict(zip(data["arxiv_ids"].tolist(), data["vectors"], strict=True))
        self.dim = data["vectors"].shape[1]
        self.by_text = {}
        for arxiv_id, title, abstract in Paper.objects.values_list("arxiv_id", "title", "abstract"):
            if arxiv_id in vectors:
                self.by_text[document_text(title, abstract)] = vectors[arxiv_id]

    def encode_documents(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        missing = [text[:60] for text in texts if text not in self.by_text]
        if missing:
            raise SystemExit(f"{len(missing)} papers have no stored vector, e.g. {missing[0]!r}")
        return np.vstack([self.by_text[text] for text in texts]).astype(np.float32)


def dump(path: Path) -> None:
    backend = get_backend()
    pks = backend.indexed_pks().tolist()
    vectors = backend.vectors_for(pks)
    arxiv = dict(Paper.objects.filter(pk__in=pks).values_list("pk", "arxiv_id"))
    kept = [pk for pk in pks if pk in vectors and pk in arxiv]
    np.savez(
        path,
        model=np.array(backend.state().model),
        arxiv_ids=np.array([arxiv[pk] for pk in kept]),
        vectors=np.vstack([vectors[pk] for pk in kept]),
    )
    print(f"{len(kept):,} vectors of {backend.state().model} written to {path}")


def load(path: Path) -> None:
    embedder = StoredEmbedder(path)
    result = sync.rebuild(embedder=embedder)
    print(f"{get_backend().name} index rebuilt with {result.indexed:,} stored vectors ({embedder.name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["dump", "load"])
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    (dump if args.action == "dump" else load)(args.path)


if __name__ == "__main__":
    sys.exit(main())
