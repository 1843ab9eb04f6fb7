"""The OpenAPI document and the interactive docs, with every asset served by paperfeed itself."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def test_the_openapi_document_lists_every_route(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for route in ("/api/daily_papers", "/api/papers/search", "/api/papers/{arxiv_id}",
                  "/api/papers/{arxiv_id}/related", "/api/papers/{arxiv_id}/comments",
                  "/api/papers/{arxiv_id}/upvote", "/api/papers/submit"):  # fmt: skip
        assert route in paths
    daily = {p["name"]: p for p in paths["/api/daily_papers"]["get"]["parameters"]}
    assert daily["limit"]["schema"]["maximum"] == 100 and daily["limit"]["schema"]["minimum"] == 1
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert paths["/api/papers/{arxiv_id}/upvote"]["post"]["security"] == [{"TokenAuth": []}]
    assert "security" not in paths["/api/papers/{arxiv_id}/comments"]["get"]


def test_the_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/") and not asset.startswith("//") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in html.lower()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_render_in_a_browser_without_leaving_the_server(live_server):
    if not CHROMIUM.exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    requested: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/api/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=60_000)
            shown_paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/api/daily_papers" in path for path in shown_paths)
            assert len(shown_paths) >= 8
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    assert errors == []
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
