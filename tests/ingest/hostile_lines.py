"""Records for the hostile-input tests: one good record of each shape ``ingest file`` reads, to spoil."""

from __future__ import annotations

import copy
import json
import unicodedata
from functools import cache

from .fixture_files import FIXTURES


@cache
def _fixture(name: str, index: int) -> dict:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return json.loads(lines[index])


def hf_record(arxiv_id: str, day: str = "2025-03-17") -> dict:
    """An HF daily-papers item with a submitter, claimed and plain authors, listed on ``day``."""
    record = copy.deepcopy(_fixture("hf_daily_papers.jsonl", 3))
    record["paper"]["id"] = arxiv_id
    record["paper"]["submittedOnDailyAt"] = f"{day}T00:38:48.278Z"
    record["paper"]["authors"][0]["user"] = {"user": "pengxin", "fullname": "Pengxin Guo"}
    record["paper"]["authors"][0]["status"] = "claimed_verified"
    return record


def kaggle_record(arxiv_id: str) -> dict:
    record = copy.deepcopy(_fixture("kaggle_arxiv_snapshot.jsonl", 0))
    record["id"] = arxiv_id
    return record


def arxiv_record(arxiv_id: str, **fields) -> dict:
    return {
        "id": arxiv_id,
        "title": f"A plain record {arxiv_id}",
        "authors": "Ann Lee, Bo Li",
        "abstract": "Wrapped\nover lines.",
        "categories": ["cs.LG"],
        "created": "2024-01-02",
        **fields,
    }


def between_good_lines(bad: dict | str, good_ids: tuple[str, str] = ("2401.00001", "2401.00003")) -> list:
    """A bad line (line 2) between two good plain arXiv lines (lines 1 and 3)."""
    return [arxiv_record(good_ids[0]), bad, arxiv_record(good_ids[1])]


def feed_unsafe(text: str) -> list[str]:
    """The characters of ``text`` an XML 1.0 document (an Atom or RSS feed) cannot carry, or that
    it discourages and no paper needs (DEL, C1 controls)."""
    return [
        char
        for char in text
        if not (
            char in "\t\n\r"
            or "\x20" <= char <= "\x7e"
            or "\xa0" <= char <= "\ud7ff"
            or "\ue000" <= char <= "\ufffd"
            or char >= "\U00010000"
        )
        or unicodedata.category(char) == "Cs"
    ]
