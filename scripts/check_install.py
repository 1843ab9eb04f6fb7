"""Exit 0 when paperfeed from this checkout and its requirements are installed, else say what is missing.

    python scripts/check_install.py            # the package and its dependencies
    python scripts/check_install.py test       # ... plus the "test" extra
    python scripts/check_install.py --torch test   # the torch requirement to install first, if any

Used by scripts/serve, scripts/test and scripts/paperfeed to skip ``pip install`` (and its network
access) when nothing is missing. What is missing is said in one line on standard output, so the
scripts can show it as the reason for their install step.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The only torch this project may ask pip for: any other request resolves to a CUDA build of several
# gigabytes. sentence-transformers depends on torch, so it needs this pin installed before it.
TORCH_PIN = "torch==2.13.0"
NEEDS_TORCH = {"torch", "sentence-transformers", "sentence_transformers"}

try:
    from packaging.requirements import Requirement
except ImportError:  # a fresh virtual environment has pip, which carries its own copy
    from pip._vendor.packaging.requirements import Requirement


def wanted(extras: list[str]) -> list[Requirement]:
    """The requirements of the package and of the given extras that apply on this machine."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project.get("dependencies", []))
    for extra in extras:
        if extra not in project.get("optional-dependencies", {}):
            raise SystemExit(f"pyproject.toml has no extra named {extra!r}")
        lines += project["optional-dependencies"][extra]
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


def torch_first(extras: list[str]) -> str | None:
    """The torch requirement to install before the others, or None when nothing needs torch."""
    requirements = wanted(extras)
    if not any(r.name.lower() in NEEDS_TORCH for r in requirements):
        return None
    for requirement in requirements:
        if requirement.name.lower() == "torch" and str(requirement.specifier) != TORCH_PIN[5:]:
            raise SystemExit(f"pyproject.toml asks for {requirement}; only {TORCH_PIN} may be installed")
    return TORCH_PIN


def problems(extras: list[str]) -> list[str]:
    spec = find_spec("paperfeed")
    if spec is None or spec.origin is None:
        return ["paperfeed is not installed yet"]
    installed_from = Path(spec.origin).resolve().parent
    if installed_from != ROOT / "src" / "paperfeed":
        return [f"paperfeed is installed from {installed_from}, not from this checkout"]
    missing = []
    for requirement in wanted(extras):
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(f"{requirement.name} is not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            missing.append(f"{requirement.name} {version} does not satisfy {requirement.specifier}")
    return missing


def main(args: list[str]) -> int:
    if args[:1] == ["--torch"]:
        print(torch_first(args[1:]) or "")
        return 0
    found = problems(args)
    if found:
        shown = "; ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        print(shown)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
