"""Exit 0 when paperfeed from this checkout and its requirements are installed, else say what is missing.

    python scripts/check_install.py            # the package and its dependencies
    python scripts/check_install.py test       # ... plus the "test" extra

Used by scripts/serve and scripts/test to skip ``pip install`` (and its network access) when nothing
is missing.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def problems(extras: list[str]) -> list[str]:
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return ["the 'packaging' module is missing"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    spec = find_spec("paperfeed")
    if spec is None or spec.origin is None:
        return ["paperfeed is not installed"]
    installed_from = Path(spec.origin).resolve().parent
    if installed_from != ROOT / "src" / "paperfeed":
        return [f"paperfeed is installed from {installed_from}, not from this checkout"]
    wanted = list(project.get("dependencies", []))
    for extra in extras:
        if extra not in project.get("optional-dependencies", {}):
            return [f"pyproject.toml has no extra named {extra!r}"]
        wanted += project["optional-dependencies"][extra]
    missing = []
    for line in wanted:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(f"{requirement.name} is not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            missing.append(f"{requirement.name} {version} does not satisfy {requirement.specifier}")
    return missing


def main() -> int:
    found = problems(sys.argv[1:])
    for problem in found:
        print(f"  {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
