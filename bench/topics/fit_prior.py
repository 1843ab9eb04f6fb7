"""Fit the bundled category model (src/paperfeed/search/category_prior.npz) from embedded papers.

    python3 bench/topics/fit_prior.py VECTORS.npy LABELS.json

The same inputs as measure_categories.py (the vectors made with the bundled embedding model);
every paper is used. Sites with enough papers with categories learn from their own instead.
"""

from __future__ import annotations

import argparse
import json

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vectors")
    parser.add_argument("labels")
    parser.add_argument("--model", default="all-MiniLM-L6-v2:384", help="the embedder the vectors came from")
    args = parser.parse_args()
    from paperfeed.search.topics import PRIOR, CategoryModel

    with open(args.labels) as handle:
        labels = [cats for _, cats in json.load(handle)]
    model = CategoryModel(np.load(args.vectors), labels)
    model.save(PRIOR, args.model)
    print(f"{PRIOR}: {len(model.classes)} categories from {len(model):,} papers")


if __name__ == "__main__":
    main()
