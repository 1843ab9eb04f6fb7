"""What the index holds for one paper, read from the database in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from paperfeed.papers.models import Authorship, Paper
from paperfeed.search.embedding import document_text


@dataclass
class IndexDocument:
    pk: int
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: datetime | None
    has_code: bool

    @property
    def text(self) -> str:
        return document_text(self.title, self.abstract)


_FIELDS = ("pk", "title", "abstract", "categories", "inferred_categories", "published", "github_repo")


def documents_for(pks: Iterable[int]) -> list[IndexDocument]:
    """Index documents for the given papers, in the order of ``pks`` (missing ones skipped)."""
    pks = list(pks)
    rows = {row[0]: row for row in Paper.objects.filter(pk__in=pks).values_list(*_FIELDS)}
    authors: dict[int, list[str]] = {}
    for paper_id, name in (
        Authorship.objects.visible()
        .filter(paper_id__in=pks)
        .order_by("paper_id", "position")
        .values_list("paper_id", "name")
    ):
        authors.setdefault(paper_id, []).append(name)
    docs = []
    for pk in pks:
        if pk not in rows:
            continue
        _, title, abstract, categories, inferred, published, github = rows[pk]
        docs.append(
            IndexDocument(
                pk=pk,
                title=title,
                abstract=abstract,
                authors=authors.get(pk, []),
                # A category filter matches inferred categories of papers the source gave none.
                categories=(categories or inferred).split(),
                published=published,
                has_code=bool(github),
            )
        )
    return docs


def batched(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
