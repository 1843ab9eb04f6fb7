"""A separate virtual environment with huggingface_hub 1.x, to test the API with the older client.

The test session creates it on first use (under the user's cache directory) and reuses it after.
CI can prepare it ahead of the tests with ``python tests/api/hf_client_env.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REQUIREMENT = "huggingface_hub>=1,<2"
VENV = Path(
    os.environ.get("PAPERFEED_HF1_VENV")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "paperfeed" / "hf-hub-1.x-venv"
)


def venv_python() -> Path:
    return VENV / "bin" / "python"


def installed_version() -> str | None:
    python = venv_python()
    if not python.exists():
        return None
    result = subprocess.run(
        [str(python), "-c", "import huggingface_hub as h; print(h.__version__)"],
        capture_output=True,
        text=True,
    )
    version = result.stdout.strip()
    return version if result.returncode == 0 and version.startswith("1.") else None


def ensure_venv() -> tuple[Path | None, str]:
    """The venv's python with huggingface_hub 1.x, creating it if needed; else None and why not."""
    if installed_version():
        return venv_python(), ""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(VENV)],
        [str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            return None, f"could not run {' '.join(step[-3:])}: {(result.stderr or result.stdout)[-400:]}"
    version = installed_version()
    if not version:
        return None, f"{REQUIREMENT} did not install into {VENV}"
    return venv_python(), ""


if __name__ == "__main__":
    python, problem = ensure_venv()
    if python is None:
        sys.exit(problem)
    print(f"huggingface_hub {installed_version()} ready in {VENV}")
