"""`paperfeed bench search`: build a local index over an arXiv dump and time queries on it.

Works on the index layer directly (no database): documents are read from the JSONL files and
keyed by line number, so 750k papers can be measured without importing them. Latencies are
single-threaded, per query, and include embedding the query (the query cache is cleared
between queries); fetching rows and rendering the page are not included.

Only ``--embed`` documents get real embeddings (embedding is the slow step on a shared
two-core machine); the rest get random unit vectors of the same dimension, and the output
says how many of each. Vector search cost does not depend on the values.
"""

from __future__ import annotations

import json
import lzma
import random
import resource
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from paperfeed.search.backends.local import LocalGeneration
from paperfeed.search.backends.vectors import HNSW_MIN_VECTORS
from paperfeed.search.documents import IndexDocument
from paperfeed.search.embedding import get_embedder
from paperfeed.search.fusion import reciprocal_rank_fusion
from paperfeed.search.query import parse_query
from paperfeed.search.service import DENSE_DEPTH, KEYWORD_DEPTH

RECENT = "arxiv_cs_2025_2026.jsonl.xz"
OLDER = "arxiv_1990_2019.jsonl.xz"


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None


def read_documents(path: Path, start_pk: int, limit: int | None):
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            record = json.loads(line)
            authors = record.get("authors") or []
            if isinstance(authors, str):
                authors = [a.strip() for a in authors.split(",") if a.strip()]
            yield IndexDocument(
                pk=start_pk + number,
                title=record.get("title", ""),
                abstract=record.get("abstract", ""),
                authors=authors,
                categories=record.get("categories") or [],
                published=_date(record.get("listed") or record.get("created")),
                has_code=False,
            )


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    pick = lambda q: ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]  # noqa: E731
    return f"{pick(0.50):8.2f} {pick(0.95):8.2f} {pick(0.99):8.2f} {statistics.mean(ms):8.2f}"


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class Command(BaseCommand):
    help = "Benchmark search at scale: build time, index size, peak memory, query latency percentiles."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["search"])
        parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="folder with the dumps")
        parser.add_argument(
            "--corpus",
            choices=["recent", "all"],
            default="recent",
            help="recent: the 75k cs papers; all: plus the 674k older papers",
        )
        parser.add_argument("--limit", type=int, help="use only the first N papers of each file")
        parser.add_argument("--embed", type=int, default=2000, help="papers to embed for real (default 2000)")
        parser.add_argument("--queries", type=Path, default=Path("bench/search/dev_queries.jsonl"))
        parser.add_argument("--count", type=int, default=200, help="queries to time per mode (default 200)")
        parser.add_argument("--workdir", type=Path, default=Path("/tmp/paperfeed-search-bench"))

    def handle(
        self,
        *args,
        data: Path,
        corpus: str,
        limit,
        embed: int,
        queries: Path,
        count: int,
        workdir: Path,
        **options,
    ) -> None:
        files = [data / RECENT] + ([data / OLDER] if corpus == "all" else [])
        for path in files:
            if not path.exists():
                raise CommandError(f"{path} does not exist (use --data)")
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        embedder = get_embedder()
        out = self.stdout.write

        started = time.monotonic()
        docs: list[IndexDocument] = []
        for number, path in enumerate(files):
            docs.extend(read_documents(path, start_pk=1 + number * 10_000_000, limit=limit))
        read_s = time.monotonic() - started

        embed = min(embed, len(docs))
        t = time.monotonic()
        real = embedder.encode_documents([d.text for d in docs[:embed]]) if embed else None
        embed_s = time.monotonic() - t
        rng = np.random.default_rng(0)
        vectors = rng.standard_normal((len(docs), embedder.dim), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        if real is not None:
            vectors[:embed] = real

        t = time.monotonic()
        generation = LocalGeneration.create(workdir / "gen", embedder.name, embedder.dim)
        generation.write(docs, vectors, [], fresh=True)
        build_s = time.monotonic() - t
        size = dir_size(workdir)
        del vectors

        texts = [json.loads(line)["query"] for line in queries.read_text().splitlines() if line.strip()]
        random.Random(1).shuffle(texts)
        texts = (texts * (count // max(1, len(texts)) + 1))[:count]
        parsed = [parse_query(text[:250]) for text in texts]

        def timed(run) -> list[float]:
            samples = []
            for p in parsed:
                embedder._queries.clear()
                t0 = time.perf_counter()
                run(p)
                samples.append(time.perf_counter() - t0)
            return samples

        keyword = timed(lambda p: generation.keyword(p, KEYWORD_DEPTH))
        dense = timed(lambda p: generation.vectors.search(embedder.encode_query(p.text), DENSE_DEPTH))

        def hybrid(p) -> None:
            kw = generation.keyword(p, KEYWORD_DEPTH)
            dn = generation.vectors.search(embedder.encode_query(p.text), DENSE_DEPTH)
            reciprocal_rank_fusion([[pk for pk, _ in kw], [pk for pk, _ in dn]])

        hybrid_s = timed(hybrid)
        embed_only = timed(lambda p: embedder.encode_query(p.text))
        ids = generation.vectors.ids
        picks = [int(ids[i]) for i in np.random.default_rng(2).integers(0, len(ids), count)]
        related = []
        for pk in picks:
            t0 = time.perf_counter()
            rows = generation.vectors.rows_of(np.array([pk]))
            generation.vectors.search(np.asarray(generation.vectors.matrix[rows[0]]), 11, exclude={pk})
            related.append(time.perf_counter() - t0)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        vector_kind = "HNSW (usearch, f16)" if generation.vectors.graph is not None else "exact (numpy)"
        out(f"corpus:        {len(docs):,} papers from {', '.join(p.name for p in files)}")
        out(
            f"vectors:       {embed:,} real embeddings ({embedder.name}, runtime {embedder.runtime}); "
            f"{len(docs) - embed:,} random unit vectors standing in (same dimension)"
        )
        out(f"vector index:  {vector_kind} (HNSW from {HNSW_MIN_VECTORS:,} vectors)")
        out(f"read:          {read_s:.1f} s")
        if embed:
            out(f"embedding:     {embed_s:.1f} s ({embed / embed_s:.1f} abstracts/s)")
        parts = "tantivy + vector files" + (" + HNSW graph" if generation.vectors.graph is not None else "")
        out(f"index build:   {build_s:.1f} s ({parts})")
        out(f"index size:    {size / 1e6:,.0f} MB")
        out(f"peak memory:   {peak_mb:,.0f} MB (resident, whole process)")
        out(f"queries:       {count} per mode, single-threaded, query embedding uncached")
        out(f"{'latency ms':<22} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}")
        out(f"{'query embedding':<22} {percentiles(embed_only)}")
        out(f"{'keyword':<22} {percentiles(keyword)}")
        out(f"{'dense (incl. embed)':<22} {percentiles(dense)}")
        out(f"{'hybrid (incl. embed)':<22} {percentiles(hybrid_s)}")
        out(f"{'related papers':<22} {percentiles(related)}")
