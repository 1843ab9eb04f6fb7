"""An author's ``user`` in the API: the account the import linked, or the member whose claim of that
name staff approved, the way paper pages show it; a claim still waiting for review links nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperfeed.community import claims
from paperfeed.community.models import AuthorshipClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def paper(make_paper):
    return make_paper(
        "Analytical engines", authors=("Ada Lovelace", "Charles Babbage"), listed_on=datetime.now(UTC).date()
    )


def users_of(client, arxiv_id: str) -> dict[str, str | None]:
    body = client.get(f"/api/papers/{arxiv_id}").json()
    return {author["name"]: author.get("user", {}).get("user") for author in body["authors"]}


def test_a_waiting_claim_links_no_account(client, alice, paper):
    claims.claim(alice, paper, "Ada Lovelace")
    assert users_of(client, paper.arxiv_id) == {"Ada Lovelace": None, "Charles Babbage": None}


def test_an_approved_claim_links_the_member_on_the_paper_and_in_the_daily_feed(client, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    claims.approve(AuthorshipClaim.objects.filter(pk=claim.pk), None)
    assert users_of(client, paper.arxiv_id) == {"Ada Lovelace": "alice", "Charles Babbage": None}
    feed = client.get(f"/api/daily_papers?date={datetime.now(UTC).date().isoformat()}").json()
    authors = feed[0]["paper"]["authors"]
    assert authors[0]["user"]["user"] == "alice" and authors[0]["user"]["type"] == "user"
    assert "user" not in authors[1]


def test_a_revoked_claim_links_nothing_again(client, alice, paper):
    claim = claims.claim(alice, paper, "Ada Lovelace")
    claims.approve(AuthorshipClaim.objects.filter(pk=claim.pk), None)
    claims.reject(AuthorshipClaim.objects.filter(pk=claim.pk), None)
    assert users_of(client, paper.arxiv_id)["Ada Lovelace"] is None
