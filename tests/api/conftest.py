"""A live paperfeed server loaded with real Hugging Face records, and API helpers."""

from __future__ import annotations

import json
import lzma
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from testkit import shared_data

from .hf_data import feed_day

# One month of the real daily feed: enough for day, week and month windows and paging.
SLICE_MONTH = "2025-03"


@pytest.fixture(scope="session")
def hf_records() -> list[dict]:
    """The records of the slice, as the Hub served them."""
    path = shared_data("hf_daily_papers.jsonl.xz")
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return [record for record in records if feed_day(record).startswith(SLICE_MONTH)]


@pytest.fixture(scope="session")
def hf_slice_file(hf_records, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hf") / "hf_slice.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in hf_records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def records_by_day(hf_records) -> dict[str, list[dict]]:
    days: dict[str, list[dict]] = defaultdict(list)
    for record in hf_records:
        days[feed_day(record)].append(record)
    return days


@pytest.fixture
def hf_site(live_server, hf_slice_file):
    """The live server with the slice imported by ``paperfeed ingest file``."""
    call_command("ingest", "file", str(hf_slice_file), stdout=StringIO(), stderr=StringIO())
    return live_server


@pytest.fixture(scope="session")
def search_slice_file(hf_records, tmp_path_factory) -> Path:
    """A smaller slice for search tests (indexing embeds every paper): one week plus the unlearning papers."""
    chosen = [
        record
        for record in hf_records
        if "2025-03-10" <= feed_day(record) <= "2025-03-16" or "unlearning" in record["title"].lower()
    ]
    path = tmp_path_factory.mktemp("hf") / "hf_search_slice.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in chosen), encoding="utf-8")
    return path


@pytest.fixture
def search_site(live_server, search_slice_file, settings, tmp_path):
    """The live server with the search slice imported and indexed in a fresh index."""
    from paperfeed.search import sync

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    # The local index: these tests are about the API, and on PostgreSQL the database backend's
    # table would block the flush between live-server tests.
    settings.SEARCH_BACKEND = "local"
    call_command("ingest", "file", str(search_slice_file), stdout=StringIO(), stderr=StringIO())
    sync.rebuild()
    yield live_server
    from huggingface_hub.utils import close_session

    close_session()


@pytest.fixture
def hf_api(hf_site):
    from huggingface_hub import HfApi
    from huggingface_hub.utils import close_session

    yield HfApi(endpoint=hf_site.url, token=False)
    # Close the client's kept-alive connections while this test's live server still owns the database.
    close_session()


@pytest.fixture
def make_token(db):
    """Issue a personal access token for a user; returns the secret."""
    from paperfeed.api.tokens import issue_token

    def make(user, name: str = "test script") -> str:
        return issue_token(user, name)[1]

    return make
