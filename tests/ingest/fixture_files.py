"""The record files in tests/ingest/fixtures, one per shape ``ingest file`` recognises."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
ALL_FIXTURES = [
    FIXTURES / "hf_daily_papers.jsonl",
    FIXTURES / "arxiv_cs_2025_2026.jsonl",
    FIXTURES / "arxiv_1990_2019.jsonl",
    FIXTURES / "kaggle_arxiv_snapshot.jsonl",
]
