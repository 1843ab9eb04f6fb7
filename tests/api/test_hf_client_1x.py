"""huggingface_hub 1.x (in its own virtual environment) against a live paperfeed server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .hf_client_env import REQUIREMENT, ensure_venv
from .hf_data import feed_day, feed_time

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).with_name("hf1_client_script.py")


@pytest.fixture(scope="session")
def hf1_python() -> Path:
    python, problem = ensure_venv()
    if python is None:
        pytest.skip(f"cannot install {REQUIREMENT} into a virtual environment: {problem}")
    return python


def test_the_1x_client_reads_the_feed_papers_and_errors(hf1_python, hf_site, records_by_day):
    day = max(records_by_day, key=lambda d: len(records_by_day[d]))
    records = {r["paper"]["id"]: r for r in records_by_day[day]}
    top = max(records.values(), key=lambda r: r["paper"]["upvotes"])
    env = {key: value for key, value in os.environ.items() if key != "HF_HUB_OFFLINE"}
    result = subprocess.run(
        [str(hf1_python), str(SCRIPT), hf_site.url, day, "2025-W11", top["paper"]["id"]],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)

    assert out["version"].startswith("1.")
    assert {p["id"] for p in out["day"]} == set(records)
    first = out["day"][0]
    assert first["id"] == top["paper"]["id"]
    assert first["title"] == " ".join(top["title"].split())
    assert first["authors"] == [a["name"] for a in top["paper"]["authors"]]
    assert first["upvotes"] == top["paper"]["upvotes"]
    assert first["submitted_at"][:10] == feed_day(top)
    assert out["page_two"] == [p["id"] for p in out["day"][3:6]]
    assert out["past_the_end"] == []
    assert set(out["week"]) >= {r["paper"]["id"] for r in records_by_day["2025-03-10"]}
    assert out["trending"] and all(p["title"] for p in out["trending"])
    assert out["info"]["id"] == top["paper"]["id"] and out["info"]["upvotes"] == top["paper"]["upvotes"]
    assert out["info"]["submitted_at"][:19] == feed_time(top)[:19]
    assert out["markdown"].startswith("# ")
    assert "2025-13-40" in out["bad_request"]
    assert out["not_found"] == 404
