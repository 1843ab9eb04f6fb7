"""Build the search development set from the Hugging Face daily-papers file.

Writes, next to this script:

* ``dev_corpus.txt``   the arXiv ids of the evaluation corpus (a fixed sample of the HF file);
* ``dev_queries.jsonl`` {"id", "query", "kind"} lines;
* ``dev_qrels.tsv``    TREC qrels: ``query-id 0 arxiv-id relevance``.

Query kinds:

* ``keywords``: three of a paper's HF ``ai_keywords`` (the paper is the answer);
* ``summary``: the first sentence of a paper's HF ``ai_summary``, a paraphrase written apart from
  the abstract (the paper is the answer);
* ``topic``: hand-written natural-language topics, each judged over the corpus by a hand-written
  title pattern (every corpus paper whose title matches is relevant).

``write_corpus`` writes the corpus records to a JSONL file for ``paperfeed ingest file``.

Usage: python bench/search/build_devset.py [--corpus-size 2500] [--write-corpus /tmp/dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data" / "hf_daily_papers.jsonl.xz"

# (query, title pattern judging relevance): written by hand; none shares its key words with the pattern.
TOPICS = [
    ("erasing facts from a trained model", r"unlearn|forget"),
    (
        "making text-to-image generators faster with fewer denoising steps",
        r"(few|one|single)[- ]step|distill.*diffusion|consistency model",
    ),
    ("robots that follow spoken or written instructions", r"vision[- ]language[- ]action|\bVLA\b"),
    ("checking whether chatbots invent facts", r"hallucinat"),
    ("shrinking neural network weights to fewer bits", r"quantiz|low[- ]bit|1[- ]bit|2[- ]bit|4[- ]bit"),
    ("letting a language model look things up before answering", r"retrieval[- ]augmented|\bRAG\b"),
    (
        "software engineering agents that fix github issues",
        r"SWE|software engineering|code agent|coding agent",
    ),
    ("tricking chat assistants into unsafe answers", r"jailbreak|red[- ]team"),
    ("speeding up generation by guessing several tokens ahead", r"speculative decod|draft"),
    ("making videos from a written description", r"text[- ]to[- ]video|video generation"),
    (
        "scaling the amount of thinking at inference",
        r"test[- ]time (scaling|compute)|inference[- ]time (scaling|compute)",
    ),
    (
        "merging the weights of several fine-tuned networks",
        r"model merging|merg(e|ing) models|weight merging",
    ),
]


def records() -> list[dict]:
    with lzma.open(DATA, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return sentence[:240].rsplit(" ", 1)[0] if len(sentence) > 240 else sentence


def build(corpus_size: int, seed: int = 7) -> tuple[list[dict], list[dict], list[tuple[str, str, int]]]:
    rng = random.Random(seed)
    everything = records()
    rng.shuffle(everything)
    corpus = everything[:corpus_size]
    queries: list[dict] = []
    qrels: list[tuple[str, str, int]] = []
    with_keywords = [r for r in corpus if len(r["paper"].get("ai_keywords") or []) >= 4]
    for record in rng.sample(with_keywords, min(150, len(with_keywords))):
        qid = f"kw-{record['paper']['id']}"
        words = rng.sample(record["paper"]["ai_keywords"], 3)
        queries.append({"id": qid, "query": " ".join(words)[:250], "kind": "keywords"})
        qrels.append((qid, record["paper"]["id"], 1))
    with_summary = [r for r in corpus if r["paper"].get("ai_summary")]
    for record in rng.sample(with_summary, min(150, len(with_summary))):
        qid = f"sum-{record['paper']['id']}"
        queries.append({"id": qid, "query": first_sentence(record["paper"]["ai_summary"]), "kind": "summary"})
        qrels.append((qid, record["paper"]["id"], 1))
    for number, (query, pattern) in enumerate(TOPICS, start=1):
        qid = f"topic-{number}"
        judged = [r["paper"]["id"] for r in corpus if re.search(pattern, r["paper"]["title"], re.IGNORECASE)]
        if judged:
            queries.append({"id": qid, "query": query, "kind": "topic"})
            qrels += [(qid, arxiv_id, 1) for arxiv_id in judged]
    return corpus, queries, qrels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-size", type=int, default=2500)
    parser.add_argument("--write-corpus", type=Path, help="also write the corpus records here (JSONL)")
    args = parser.parse_args()
    corpus, queries, qrels = build(args.corpus_size)
    (HERE / "dev_corpus.txt").write_text("".join(r["paper"]["id"] + "\n" for r in corpus))
    (HERE / "dev_queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (HERE / "dev_qrels.tsv").write_text("".join(f"{q}\t0\t{d}\t{rel}\n" for q, d, rel in qrels))
    if args.write_corpus:
        args.write_corpus.write_text("".join(json.dumps(r) + "\n" for r in corpus))
    kinds = {k: sum(q["kind"] == k for q in queries) for k in ("keywords", "summary", "topic")}
    print(f"corpus {len(corpus)} papers; queries {kinds}; qrels {len(qrels)}")


if __name__ == "__main__":
    main()
