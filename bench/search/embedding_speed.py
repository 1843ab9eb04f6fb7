"""Embedding throughput, query latency and agreement per runtime on arXiv abstracts.

For each runtime: documents per second of wall time and per CPU-second (CPU time is what a busy
shared machine cannot hide), the load average while it ran, the p50/p95 of embedding one short
query (uncached), and the cosine between its document vectors and float32 torch's.

Usage:
  PAPERFEED_DATA_DIR=/tmp/x python bench/search/embedding_speed.py [--count N] [--threads T]
      [--max-tokens K] [--batch B] [--queries Q] [runtime ...]

Runtimes: torch, torch-bf16, onnx, onnx-int8 (default: all four). Run it under the shared lock:
``flock /tmp/paperfeed-bench.lock python bench/search/embedding_speed.py``.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from paperfeed.search.embedding import RUNTIMES, Embedder, document_text, model_location  # noqa: E402
from paperfeed.search.embedding_onnx import deriving_allowed  # noqa: E402

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv_cs_2025_2026.jsonl.xz"
QUERIES = Path(__file__).resolve().parent / "dev_queries.jsonl"


def read_texts(count: int) -> list[str]:
    texts = []
    with lzma.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(document_text(record["title"], record["abstract"]))
            if len(texts) >= count:
                break
    return texts


def read_queries(count: int) -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines[:count] if line.strip()]


def set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    os.environ["PAPERFEED_EMBEDDING_THREADS"] = str(threads)


def query_latency_ms(embedder: Embedder, queries: list[str]) -> tuple[float, float]:
    times = []
    for query in queries:
        embedder._queries.clear()  # uncached: every query is embedded
        start = time.perf_counter()
        embedder.encode_query(query)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=256, help="abstracts to embed (default 256)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
    parser.add_argument("--max-tokens", type=int, default=None, help="cap on word pieces per document")
    parser.add_argument("--batch", type=int, default=None, help="documents per batch (default: per runtime)")
    parser.add_argument("--queries", type=int, default=100, help="queries timed one at a time (default 100)")
    parser.add_argument("runtimes", nargs="*", help=f"any of {', '.join(RUNTIMES)} (default: all)")
    args = parser.parse_args()
    runtimes = args.runtimes or ["torch", "torch-bf16", "onnx", "onnx-int8"]
    unknown = sorted(set(runtimes) - set(RUNTIMES))
    if unknown:
        parser.error(f"unknown runtime {', '.join(unknown)}: choose from {', '.join(RUNTIMES)}")
    set_threads(args.threads)
    texts = read_texts(args.count)
    queries = read_queries(args.queries)
    print(f"{args.count} abstracts, {args.threads} threads, max tokens {args.max_tokens or 'model default'}")
    print(f"start: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    vectors = {}
    for runtime in runtimes:
        embedder = Embedder(model_location(), runtime, args.max_tokens)
        embedder.batch_size = args.batch or embedder.batch_size
        embedder.encode_documents(texts[: embedder.batch_size])  # warm up
        wall, cpu = time.perf_counter(), time.process_time()
        vectors[runtime] = embedder.encode_documents(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        load = os.getloadavg()[0]
        p50, p95 = query_latency_ms(embedder, queries)
        print(
            f"{runtime:<11} {args.count / wall:6.1f} abstracts/s wall, {args.count / cpu:6.1f} per CPU-second"
            f" (batch {embedder.batch_size}, load {load:.2f});"
            f" query p50 {p50:5.1f} ms, p95 {p95:5.1f} ms",
            flush=True,
        )
    reference = vectors.get("torch")
    if reference is None or args.max_tokens:
        # Agreement is always measured against float32 torch at the model's own length.
        reference = Embedder(model_location(), "torch").encode_documents(texts)
    for runtime, v in vectors.items():
        cos = (v * reference).sum(axis=1)
        print(f"{runtime:<11} cosine to torch float32: mean {cos.mean():.4f}, min {cos.min():.4f}")


if __name__ == "__main__":
    with deriving_allowed():  # a tool, not a web process: it may derive the float32 ONNX file
        main()
