"""A scratch paperfeed site loaded with the Hugging Face records (~10k papers), for the benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HF_FILE = REPO.parent / "shared" / "data" / "hf_daily_papers.jsonl.xz"


# A new site derives its ONNX query model (export, fuse, quantise: about 13 CPU-seconds) the first
# time a web worker warms up search. Done here, once per data directory, so that the measured
# requests do not share the CPU with it.
_PREPARE_SEARCH_MODEL = (
    "import django; django.setup(); from paperfeed.search.embedding import get_embedder; get_embedder()"
)


def load(data_dir: Path) -> None:
    """Migrate a data directory, import the HF file into it (without indexing) and derive the
    search model, printing times."""
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "paperfeed.settings"}
    steps = {
        "paperfeed migrate": ["-m", "paperfeed", "migrate", "--verbosity", "0"],
        "paperfeed ingest file": ["-m", "paperfeed", "ingest", "file", str(HF_FILE), "--no-index"],
        "search model": ["-c", _PREPARE_SEARCH_MODEL],
    }
    for name, arguments in steps.items():
        started = time.perf_counter()
        subprocess.run([sys.executable, *arguments], env=env, check=True, capture_output=True)
        print(f"  {name}: {time.perf_counter() - started:.1f} s")
