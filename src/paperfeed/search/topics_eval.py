"""`paperfeed eval categories`: how well inferred categories match arXiv's on held-out papers.

With a truth file (``arxiv_id<TAB>primary other ...``, e.g. bench/search/dev_categories.tsv) the
held-out papers are its papers; without one, a fixed tenth of the papers with categories is held
out. Held-out papers never vote for themselves: the classifier is built without them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.search.backends import get_backend
from paperfeed.search.topics import score
from paperfeed.search.topics_step import labelled_model

HELD_OUT_SHARE = 0.1


@dataclass
class CategoryScores:
    papers: int
    labelled: int  # papers the classifier learned from
    missing: int  # truth papers not in the database or without a vector
    primary_accuracy: float
    precision: float  # of the predicted category sets, over all held-out papers
    recall: float

    def table(self) -> str:
        return "\n".join(
            [
                f"held-out papers:            {self.papers:,} (learned from {self.labelled:,};"
                f" {self.missing:,} not found or without a vector)",
                f"primary category top-1:     {self.primary_accuracy:.4f}",
                f"category set precision:     {self.precision:.4f}",
                f"category set recall:        {self.recall:.4f}",
            ]
        )


def read_truth(path: Path) -> dict[str, list[str]]:
    """``arxiv_id<TAB>primary other ...`` per line; blank lines and # comments are skipped."""
    truth: dict[str, list[str]] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        arxiv_id, _, categories = line.partition("\t")
        if not categories.split():
            raise ValueError(f"{path}:{number}: expected 'arxiv_id<TAB>categories', got {line[:60]!r}")
        truth[arxiv_id.strip()] = categories.split()
    return truth


def evaluate(truth_path: Path | None = None) -> CategoryScores:
    if truth_path is not None:
        truth = read_truth(truth_path)
        ids = dict(Paper.objects.filter(arxiv_id__in=list(truth)).values_list("pk", "arxiv_id"))
        held = {pk: truth[arxiv_id] for pk, arxiv_id in ids.items()}
        missing = len(truth) - len(held)
    else:
        rows = Paper.objects.visible().exclude(categories="").order_by("pk").values_list("pk", "categories")
        labelled = list(rows)
        chosen = random.Random(13).sample(labelled, int(len(labelled) * HELD_OUT_SHARE))
        held = {pk: categories.split() for pk, categories in chosen}
        missing = 0
    backend = get_backend()
    model = labelled_model(backend, exclude=set(held))
    if model is None:
        raise ValueError("Too few papers with arXiv categories in the index to learn from.")
    vectors = backend.vectors_for(list(held))
    pks = [pk for pk in held if pk in vectors]
    missing += len(held) - len(pks)
    predictions = model.predict(np.vstack([vectors[pk] for pk in pks])) if pks else []
    accuracy, precision, recall = score(predictions, [held[pk] for pk in pks])
    return CategoryScores(len(pks), len(model), missing, accuracy, precision, recall)
