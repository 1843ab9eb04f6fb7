"""schemathesis against /api/openapi.json on a live server: no 5xx, every response matches the document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def caller_token(make_user, make_token, make_paper, settings, tmp_path):
    """Some papers to find, a user with a token, and arXiv pointed at a closed loopback port."""
    # Submitting an unknown id looks it up on arXiv: here that fails fast (a documented 503).
    settings.ARXIV_API_URL = "http://127.0.0.1:9/api/query"
    settings.ARXIV_TIMEOUT_SECONDS = 2
    today = datetime.now(UTC).date()
    for number in range(1, 6):
        make_paper(arxiv_id=f"2503.{number:05d}", listed_on=today - timedelta(days=number), upvotes=number)
    make_paper("An old preprint", arxiv_id="hep-th/9901001")
    # A fresh search index over these papers (this also loads the embedding model up front).
    from paperfeed.search import sync

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    # The local index: these tests are about the API, and on PostgreSQL the database backend's
    # table would block the flush between live-server tests.
    settings.SEARCH_BACKEND = "local"
    sync.rebuild()
    return make_token(make_user("fuzzer"))


@pytest.fixture
def api_schema(live_server, caller_token):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_openapi_document(case, caller_token):
    # Writes run as a real user; reads ignore the token.
    case.call_and_validate(headers={"Authorization": f"Bearer {caller_token}"}, checks=CHECKS, timeout=60)
