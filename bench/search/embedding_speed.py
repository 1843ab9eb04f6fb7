"""Embedding throughput and agreement per runtime (torch, onnx, onnx-int8) on arXiv abstracts.

Prints wall-clock and CPU-time throughput (CPU time is what a busy shared machine cannot hide:
abstracts per CPU-second times the cores gives the rate on an idle machine) and the cosine
between each runtime's vectors and torch's.

Usage: PAPERFEED_DATA_DIR=/tmp/x python bench/search/embedding_speed.py [N] [runtime ...]
"""

from __future__ import annotations

import json
import lzma
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")

import django  # noqa: E402

django.setup()


from paperfeed.search.embedding import Embedder, document_text, model_location  # noqa: E402

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv_cs_2025_2026.jsonl.xz"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    runtimes = sys.argv[2:] or ["torch", "onnx", "onnx-int8"]
    texts = []
    with lzma.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts.append(document_text(record["title"], record["abstract"]))
            if len(texts) >= count:
                break
    vectors = {}
    for runtime in runtimes:
        embedder = Embedder(model_location(), runtime)
        embedder.encode_documents(texts[:32])  # warm up
        wall, cpu = time.perf_counter(), time.process_time()
        vectors[runtime] = embedder.encode_documents(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rates = f"{count / wall:7.1f} abstracts/s wall, {count / cpu:7.1f} per CPU-second"
        print(f"{runtime:<10} {rates}")
    if "torch" in vectors:
        for runtime, v in vectors.items():
            cos = (v * vectors["torch"]).sum(axis=1)
            print(f"{runtime:<10} cosine to torch: mean {cos.mean():.4f}, min {cos.min():.4f}")


if __name__ == "__main__":
    main()
