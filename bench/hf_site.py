"""A scratch paperfeed site loaded with the Hugging Face records (~10k papers), for the benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HF_FILE = REPO.parent / "shared" / "data" / "hf_daily_papers.jsonl.xz"


def load(data_dir: Path) -> None:
    """Migrate a data directory and import the HF file into it (without indexing), printing times."""
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(data_dir)}
    for command in (["migrate", "--verbosity", "0"], ["ingest", "file", str(HF_FILE), "--no-index"]):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "paperfeed", *command], env=env, check=True, capture_output=True
        )
        print(f"  paperfeed {command[0]}: {time.perf_counter() - started:.1f} s")
