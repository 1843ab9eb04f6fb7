"""Personal access tokens: created and revoked on /settings/tokens, shown once, stored hashed."""

from __future__ import annotations

import hashlib
import logging

import pytest

from paperfeed.api.models import AccessToken

pytestmark = pytest.mark.django_db


def create(client, name: str = "laptop") -> str:
    response = client.post("/settings/tokens", {"name": name})
    assert response.status_code == 201
    return response.context["new_secret"]


def test_the_token_page_needs_a_login(client):
    response = client.get("/settings/tokens")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_token_is_shown_once_and_only_its_hash_and_prefix_are_kept(user_client):
    secret = create(user_client)
    assert secret.startswith("pf_") and len(secret) >= 40
    token = AccessToken.objects.get(user=user_client.user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.digest} and secret.startswith(token.prefix)
    page = user_client.get("/settings/tokens").content.decode()
    assert secret not in page
    assert f"{token.prefix}…" in page and "laptop" in page and "never" in page


def test_the_creation_response_is_never_cached(user_client):
    response = user_client.post("/settings/tokens", {"name": "ci"})
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_token_needs_a_name(user_client):
    response = user_client.post("/settings/tokens", {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not AccessToken.objects.exists()


def test_a_token_authenticates_writes_and_records_when_it_was_used(user_client, client, make_paper):
    make_paper(arxiv_id="2503.00001")
    secret = create(user_client)
    response = client.post("/api/papers/2503.00001/upvote", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json()["upvoted"] is True
    assert AccessToken.objects.get().last_used_at is not None
    assert secret not in response.content.decode()


def test_a_revoked_token_stops_working(user_client, client, make_paper):
    make_paper(arxiv_id="2503.00002")
    secret = create(user_client)
    token = AccessToken.objects.get()
    response = user_client.post(f"/settings/tokens/{token.pk}/revoke", follow=True)
    assert "revoked" in response.content.decode()
    assert not AccessToken.objects.exists()
    refused = client.post("/api/papers/2503.00002/upvote", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert "not valid" in refused.json()["error"]


def test_nobody_revokes_someone_elses_token(user_client, make_user):
    from paperfeed.api.tokens import issue_token

    other, _ = issue_token(make_user("someone"), "theirs")
    assert user_client.post(f"/settings/tokens/{other.pk}/revoke").status_code == 404
    assert AccessToken.objects.filter(pk=other.pk).exists()


def test_writes_without_a_valid_token_are_401_and_change_nothing(client, make_paper):
    paper = make_paper(arxiv_id="2503.00003", upvotes=4)
    missing = client.post("/api/papers/2503.00003/upvote")
    assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["error"]
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post("/api/papers/2503.00003/upvote", headers={"Authorization": "Bearer pf_madeup"})
    assert wrong.status_code == 401
    paper.refresh_from_db()
    assert paper.upvotes == 4


def test_reads_ignore_a_foreign_token(client, make_paper):
    """Hub clients send their own Hub token by default; reads must still work."""
    make_paper(arxiv_id="2503.00004")
    response = client.get("/api/papers/2503.00004", headers={"Authorization": "Bearer hf_someHubToken"})
    assert response.status_code == 200


def test_a_token_never_reaches_the_logs(user_client, client, make_paper, caplog):
    make_paper(arxiv_id="2503.00005")
    secret = create(user_client)
    with caplog.at_level(logging.DEBUG):
        client.post("/api/papers/2503.00005/upvote", headers={"Authorization": f"Bearer {secret}"})
        client.post("/api/papers/2503.99999/upvote", headers={"Authorization": f"Bearer {secret}"})
        client.post("/api/papers/2503.00005/comments", {}, headers={"Authorization": f"Bearer {secret}x"})
    assert caplog.records, "requests were logged"
    assert all(secret not in record.getMessage() for record in caplog.records)
