"""Constants and helpers shared by tests: import them with ``from testkit import ...``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The shared real data lives beside the repository (see ../shared/data/README.md).
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
# Screenshots and other files people may want to look at after a run (gitignored).
ARTIFACTS = REPO_ROOT / "test-artifacts"

# Password of every user made by the ``make_user`` fixture.
DEFAULT_PASSWORD = "correct horse battery staple 42"

# This process's data directory instead of ./data (each xdist worker has its own).
SESSION_DATA_DIR = Path(tempfile.mkdtemp(prefix="paperfeed-test-data-"))
os.environ["PAPERFEED_DATA_DIR"] = str(SESSION_DATA_DIR)
# Model files derived from the installed model (the ONNX query model) are shared by the workers
# and kept between runs: deriving them costs a CPU-minute. Tests of the deriving itself use their own.
# Kept inside the checkout (gitignored), so a test run leaves nothing in /tmp or the user's cache.
os.environ.setdefault("PAPERFEED_MODEL_CACHE_DIR", str(ARTIFACTS / "model-cache"))


def shared_data(name: str) -> Path:
    """Path of a file in ../shared/data; skip the test with a clear reason if it is not there."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared data file {path} is not present (clone the repository beside ../shared)")
    return path


# Debian's chromium for the browser tests (never a browser downloaded by Playwright).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ARTIFACTS / "screenshots"
