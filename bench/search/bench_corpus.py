"""Corpora for the search benchmark: the arXiv dumps, real embeddings cached on disk, stand-in vectors.

Embedding 75k abstracts takes about an hour on two shared cores, so real embeddings are computed
once, in chunks of ``CHUNK`` papers in file order, each saved as its own file: an interrupted
run (or one stopped by its time budget) resumes at the first missing chunk.

Papers without a real embedding (the 674k older ones) get *stand-in* vectors predicted from
their own words: a hashed bag of words (tf-idf weighted) is randomly projected to ``PROJECTED``
dimensions, and a least-squares map fitted on the papers that do have real embeddings takes
that to the model's space, plus noise matched to the fit's residual. Papers on the same subject
therefore get nearby vectors, as with the real model, which is what an HNSW graph's speed and
recall depend on (uniform random vectors make a graph that is unrealistically hard to search).
"""

from __future__ import annotations

import json
import lzma
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from paperfeed.search.embedding import Embedder, document_text, normalize

RECENT = "arxiv_cs_2025_2026.jsonl.xz"
OLDER = "arxiv_1990_2019.jsonl.xz"
CHUNK = 1000
HASH_FEATURES = 2**17
PROJECTED = 768


@dataclass
class DumpPaper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: datetime | None

    @property
    def text(self) -> str:
        return document_text(self.title, self.abstract)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None


def read_dump(path: Path, limit: int | None = None) -> Iterator[DumpPaper]:
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            record = json.loads(line)
            authors = record.get("authors") or []
            if isinstance(authors, str):
                authors = [a.strip() for a in authors.split(",") if a.strip()]
            yield DumpPaper(
                arxiv_id=str(record.get("id", "")),
                title=record.get("title") or "",
                abstract=record.get("abstract") or "",
                authors=authors,
                categories=record.get("categories") or [],
                published=_date(record.get("listed") or record.get("created")),
            )


class EmbeddingCache:
    """Real embeddings of one dump, in file order, one ``.npy`` file per ``CHUNK`` papers."""

    def __init__(self, root: Path, embedder_name: str, runtime: str, dump: Path) -> None:
        self.runtime = runtime
        self.directory = self._folder(root, embedder_name, runtime, dump)
        self.dump = dump

    @staticmethod
    def _folder(root: Path, embedder_name: str, runtime: str, dump: Path) -> Path:
        label = f"{embedder_name}-{runtime}".replace("/", "_").replace(":", "-")
        return root / "embeddings" / label / dump.name.split(".")[0]

    @classmethod
    def for_reading(cls, root: Path, embedder_name: str, runtime: str, dump: Path) -> EmbeddingCache:
        """This runtime's cache, or else the fullest cache of the same model made by another runtime
        (runtimes of one model agree to a cosine of about 0.995)."""
        cache = cls(root, embedder_name, runtime, dump)
        if cache.done():
            return cache
        prefix = f"{embedder_name}-".replace("/", "_").replace(":", "-")
        others = []
        for folder in (root / "embeddings").glob(f"{prefix}*"):
            other = cls(root, embedder_name, folder.name[len(prefix) :], dump)
            others.append((other.done(), other.runtime, other))
        return max(others, key=lambda item: item[:2])[2] if others else cache

    def chunk_path(self, number: int) -> Path:
        return self.directory / f"chunk-{number:05d}.npy"

    def done(self) -> int:
        """How many papers (from the start of the file) have cached embeddings."""
        number = 0
        while self.chunk_path(number).exists():
            number += 1
        if number == 0:
            return 0
        return (number - 1) * CHUNK + len(np.load(self.chunk_path(number - 1), mmap_mode="r"))

    def fill(
        self,
        embedder: Embedder,
        total: int,
        seconds: float | None = None,
        report: Callable[[str], None] = print,
    ) -> int:
        """Embed missing chunks of the first ``total`` papers, stopping after ``seconds``; returns done."""
        self.directory.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        done = self.done()
        if done % CHUNK:
            done -= done % CHUNK  # a short last chunk is only written at the end of the file
        papers = read_dump(self.dump, limit=total)
        batch: list[str] = []
        for index, paper in enumerate(papers):
            if index < done:
                continue
            batch.append(paper.text)
            if len(batch) == CHUNK or index == total - 1:
                t0 = time.monotonic()
                vectors = embedder.encode_documents(batch)
                tmp = self.chunk_path(done // CHUNK).with_suffix(".tmp.npy")
                np.save(tmp, vectors)
                tmp.replace(self.chunk_path(done // CHUNK))
                done += len(batch)
                rate = len(batch) / max(time.monotonic() - t0, 1e-9)
                report(f"embedded {done:,}/{total:,} ({rate:.1f}/s)")
                batch = []
                if seconds is not None and time.monotonic() - started > seconds:
                    break
        return self.done()

    def load(self, count: int | None = None) -> np.ndarray:
        chunks = []
        number = 0
        while self.chunk_path(number).exists():
            chunks.append(np.load(self.chunk_path(number)))
            number += 1
        matrix = np.concatenate(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)
        return matrix if count is None else matrix[:count]


class StandInModel:
    """Predicts a model-space vector from a paper's words (see the module docstring)."""

    def __init__(self, fit_texts: list[str], fit_vectors: np.ndarray, seed: int = 5) -> None:
        try:
            from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        except ImportError as error:
            raise SystemExit("stand-in vectors need scikit-learn: pip install -e '.[bench]'") from error

        self.hasher = HashingVectorizer(
            n_features=HASH_FEATURES, alternate_sign=False, norm=None, stop_words="english"
        )
        hashed = self.hasher.transform(fit_texts)
        self.tfidf = TfidfTransformer(sublinear_tf=True).fit(hashed)
        rng = np.random.default_rng(11)
        self.projection = (rng.standard_normal((HASH_FEATURES, PROJECTED), dtype=np.float32)) / np.float32(
            np.sqrt(PROJECTED)
        )
        fit_x = self._features_of(hashed)
        gram = fit_x.T @ fit_x + np.eye(PROJECTED, dtype=np.float32)  # ridge 1.0
        self.weights = np.linalg.solve(gram, fit_x.T @ fit_vectors).astype(np.float32)
        predicted = fit_x @ self.weights
        self.noise = float(np.sqrt(np.mean((fit_vectors - predicted) ** 2)))
        self.fit_cosine = float(np.mean(np.sum(normalize(predicted) * fit_vectors, axis=1)))
        self.fitted_on = len(fit_texts)
        self.rng = np.random.default_rng(seed)

    def _features_of(self, hashed) -> np.ndarray:
        return np.asarray(self.tfidf.transform(hashed) @ self.projection, dtype=np.float32)

    def predict(self, texts: list[str]) -> np.ndarray:
        guess = self._features_of(self.hasher.transform(texts)) @ self.weights
        guess += self.rng.standard_normal(guess.shape, dtype=np.float32) * np.float32(self.noise)
        return normalize(guess)

    def describe(self) -> str:
        return (
            f"predicted from each paper's words: hashed tf-idf, random projection to {PROJECTED} dims, "
            f"least squares to the model's space fitted on {self.fitted_on:,} real embeddings "
            f"(mean cosine {self.fit_cosine:.3f} to them), plus Gaussian noise of the fit's residual size"
        )
