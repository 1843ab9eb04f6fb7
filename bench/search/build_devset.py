"""Build the search development set from ``../shared/data``.

The corpus: a fixed sample of 2,500 papers of the Hugging Face daily-papers file (seed 7, as
before), 500 papers with a DOI from the 1990-2019 arXiv file, 3,000 recent arXiv cs papers
with their categories, and 400 more recent cs papers whose categories are withheld (the truth
for category inference). Writes, next to this script:

* ``dev_corpus.txt``      the arXiv ids of the corpus;
* ``dev_queries.jsonl``   {"id", "query", "kind", "variant"} lines;
* ``dev_qrels.tsv``       TREC qrels: ``query-id 0 arxiv-id relevance``;
* ``dev_categories.tsv``  ``arxiv-id<TAB>primary other ...`` (primary first, as arXiv lists them)
  for corpus papers whose categories the corpus file does not carry: the 400 withheld cs papers
  and the HF papers that the cs file also holds.

Query kinds (one metric each in ``paperfeed eval search``):

* ``keywords``: three of a paper's HF ``ai_keywords`` (the paper is the answer);
* ``summary``: the first sentence of a paper's HF ``ai_summary``, a paraphrase written apart from
  the abstract (the paper is the answer);
* ``topic``: hand-written natural-language topics, each judged over the whole corpus by a
  hand-written title pattern (every corpus paper whose title matches is relevant);
* ``author``, ``id``, ``doi``, ``title``, ``nonsense``: see ``dev_classes.py``.

``--write-corpus`` writes the corpus records to a JSONL file for ``paperfeed ingest file``.

Usage: python bench/search/build_devset.py [--write-corpus /tmp/dev13.jsonl]
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared" / "data"
DATA = SHARED / "hf_daily_papers.jsonl.xz"
ARXIV_CS = SHARED / "arxiv_cs_2025_2026.jsonl.xz"
ARXIV_OLD = SHARED / "arxiv_1990_2019.jsonl.xz"
sys.path.insert(0, str(HERE))
from dev_classes import (  # noqa: E402  (a sibling script module)
    Doc,
    author_queries,
    doi_queries,
    id_queries,
    nonsense_queries,
    title_queries,
)

# Sizes and seeds of the parts added after the HF sample; each part has its own seed, so the
# HF sample and its queries stay exactly as they were.
DOI_PAPERS, DOI_SEED = 500, 11
CS_TRAIN, CS_HELD_OUT, CS_SEED = 3000, 400, 13

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


def records(path: Path = DATA) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def old_with_doi() -> list[dict]:
    """Records of the 1990-2019 file that have a DOI (read as text first: most have none)."""
    with lzma.open(ARXIV_OLD, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if '"doi": "' in line]


def first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return sentence[:240].rsplit(" ", 1)[0] if len(sentence) > 240 else sentence


def build(corpus_size: int, seed: int = 7) -> tuple[list[dict], list[dict], list[tuple[str, str, int]]]:
    """The HF sample and its ``keywords`` and ``summary`` queries (unchanged since the first set)."""
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
    return corpus, queries, qrels


def extra_parts(hf_ids: set[str]) -> tuple[list[dict], list[dict], list[dict], dict[str, list[str]]]:
    """Papers with a DOI, cs papers with categories, cs papers with categories withheld, and the
    true categories of the withheld ones and of HF sample papers the cs file also holds."""
    rng = random.Random(DOI_SEED)
    with_doi = rng.sample(old_with_doi(), DOI_PAPERS)
    cs = records(ARXIV_CS)
    truth = {r["id"]: r["categories"] for r in cs if r["id"] in hf_ids and r.get("categories")}
    rest = [r for r in cs if r["id"] not in hf_ids and r.get("categories")]
    rng = random.Random(CS_SEED)
    picked = rng.sample(rest, CS_TRAIN + CS_HELD_OUT)
    train, held_out = picked[:CS_TRAIN], picked[CS_TRAIN:]
    truth.update({r["id"]: r["categories"] for r in held_out})
    withheld = [{k: v for k, v in r.items() if k != "categories"} for r in held_out]
    return with_doi, train, withheld, truth


def repaired_id(value: str) -> str:
    """``value``, or the id it stood for before a float mangled it (as the importer repairs it:
    the number after the dot has 4 digits up to 1412 and 5 from 1501)."""
    from paperfeed.papers.arxiv_ids import is_valid_arxiv_id

    match = re.match(r"^(\d{3,4})\.(\d+)$", value)
    if is_valid_arxiv_id(value) or not match:
        return value
    yymm = match.group(1).zfill(4)
    width = 5 if yymm >= "1501" else 4
    return f"{yymm}.{round(float('0.' + match.group(2)) * 10**width):0{width}d}"


def doc_of(record: dict) -> Doc:
    """A corpus record as the query builders see it (authors split as the importer splits them)."""
    from paperfeed.ingest.author_lists import split_authors

    if "paper" in record:
        paper = record["paper"]
        names = [a["name"] for a in paper.get("authors") or []]
        arxiv_id, title, abstract, doi = paper["id"], paper["title"], paper.get("summary") or "", ""
    else:
        authors = record.get("authors") or []
        names = split_authors(authors) if isinstance(authors, str) else authors
        # The 1990-2019 file has ids that went through a float ("804.323" for 0804.3230); the
        # importer stores them repaired, so the judgments name them that way too.
        arxiv_id = repaired_id(record["id"])
        title, abstract = record["title"], record.get("abstract") or ""
        doi = (record.get("doi") or "").strip()
    clean = tuple(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    return Doc(arxiv_id, " ".join(title.split()), clean, doi, abstract)


def topic_queries(docs: list[Doc]) -> tuple[list[dict], list[tuple[str, str, int]]]:
    queries: list[dict] = []
    qrels: list[tuple[str, str, int]] = []
    for number, (query, pattern) in enumerate(TOPICS, start=1):
        qid = f"topic-{number}"
        judged = [d.arxiv_id for d in docs if re.search(pattern, d.title, re.IGNORECASE)]
        if judged:
            queries.append({"id": qid, "query": query, "kind": "topic"})
            qrels += [(qid, arxiv_id, 1) for arxiv_id in judged]
    return queries, qrels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-size", type=int, default=2500, help="papers of the HF sample")
    parser.add_argument("--write-corpus", type=Path, help="also write the corpus records here (JSONL)")
    args = parser.parse_args()
    hf, queries, qrels = build(args.corpus_size)
    with_doi, train, withheld, truth = extra_parts({r["paper"]["id"] for r in hf})
    corpus = hf + with_doi + train + withheld
    docs = [doc_of(r) for r in corpus]
    more = [topic_queries(docs)]
    for seed, builder in enumerate(
        (author_queries, id_queries, doi_queries, title_queries, nonsense_queries), start=21
    ):
        more.append(builder(docs, random.Random(seed)))
    for extra_queries, extra_qrels in more:
        queries += extra_queries
        qrels += extra_qrels
    (HERE / "dev_corpus.txt").write_text("".join(d.arxiv_id + "\n" for d in docs))
    (HERE / "dev_queries.jsonl").write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries)
    )
    (HERE / "dev_qrels.tsv").write_text("".join(f"{q}\t0\t{d}\t{rel}\n" for q, d, rel in qrels))
    (HERE / "dev_categories.tsv").write_text(
        "".join(f"{i}\t{' '.join(cats)}\n" for i, cats in sorted(truth.items()))
    )
    if args.write_corpus:
        args.write_corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus))
    kinds: dict[str, int] = {}
    for q in queries:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    print(
        f"corpus {len(corpus)} papers (HF {len(hf)}, with DOI {len(with_doi)}, cs {len(train)}, "
        f"cs without categories {len(withheld)}); queries {kinds}; qrels {len(qrels)}; "
        f"category truth {len(truth)} papers"
    )


if __name__ == "__main__":
    main()
