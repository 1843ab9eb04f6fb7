"""Helpers for the ingest tests: fixture files, writing JSONL (plain/gz/xz), running the command,
and the fake arXiv serving an OAI-PMH harvest window."""

from __future__ import annotations

import gzip
import io
import json
import lzma
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fake_arxiv import FakeArxiv

from .oai_window import serve_oai_window

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class IngestRun:
    stdout: str
    stderr: str
    error: CommandError | None

    @property
    def failed(self) -> bool:
        return self.error is not None


@pytest.fixture
def ingest():
    """Run ``paperfeed ingest file`` through call_command; capture output and a CommandError."""

    def run(*paths: Path | str, **options) -> IngestRun:
        stdout, stderr = io.StringIO(), io.StringIO()
        error = None
        try:
            call_command("ingest", "file", *map(str, paths), stdout=stdout, stderr=stderr, **options)
        except CommandError as raised:
            error = raised
        return IngestRun(stdout.getvalue(), stderr.getvalue(), error)

    return run


@pytest.fixture
def fixture_lines():
    """The raw lines of a fixture file."""

    def read(name: str) -> list[str]:
        return (FIXTURES / name).read_text(encoding="utf-8").splitlines()

    return read


@pytest.fixture
def write_jsonl(tmp_path):
    """Write lines (dicts are JSON-encoded, strings written as they are) to a .jsonl[.gz|.xz] file."""

    def write(name: str, lines: list) -> Path:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        path = tmp_path / name
        data = text.encode("utf-8")
        if name.endswith(".gz"):
            data = gzip.compress(data)
        elif name.endswith(".xz"):
            data = lzma.compress(data)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def oai_window(fake_arxiv: FakeArxiv) -> FakeArxiv:
    """The fake server answering the cs window with three pages chained by resumption tokens."""
    return serve_oai_window(fake_arxiv)
