"""Importing a reader's library: match its entries to stored papers (by arXiv id, then DOI, then
normalised title) and keep the matches as the reader's library entries.

Matching asks the database in batches (a few queries per thousand entries, each an index probe
per value), so a library of thousands of entries imports in seconds. Importing the same library
again adds nothing: a reader's library holds each paper once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models.functions import Lower

from paperfeed.community.library_formats import LibraryItem, ParsedLibrary
from paperfeed.community.models import LibraryEntry
from paperfeed.papers.models import Paper
from paperfeed.papers.titles import normalized_title, title_variants

BATCH = 500


@dataclass
class Matched:
    item: LibraryItem
    paper: Paper
    how: str  # "arXiv id", "DOI" or "title"


@dataclass
class Unmatched:
    item: LibraryItem
    reason: str


@dataclass
class ImportReport:
    source: str
    added: list[Matched] = field(default_factory=list)  # new in the reader's library
    already: list[Matched] = field(default_factory=list)  # in the library before this import
    duplicates: list[Matched] = field(default_factory=list)  # a paper an earlier entry already named
    unmatched: list[Unmatched] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return len(self.added) + len(self.already) + len(self.duplicates) + len(self.unmatched)

    @property
    def matched_count(self) -> int:
        return len(self.added) + len(self.already)


def import_library(user, parsed: ParsedLibrary) -> ImportReport:
    """Match ``parsed`` and add the new matches to ``user``'s library."""
    report = ImportReport(source=parsed.source, problems=list(parsed.problems))
    matches = match_items(parsed.items)
    owned = set(LibraryEntry.objects.filter(user=user).values_list("paper_id", flat=True))
    seen: set[int] = set()
    for item in parsed.items:
        found = matches.get(id(item))
        if isinstance(found, Unmatched):
            report.unmatched.append(found)
        elif found.paper.pk in seen:
            report.duplicates.append(found)
        else:
            seen.add(found.paper.pk)
            (report.already if found.paper.pk in owned else report.added).append(found)
    LibraryEntry.objects.bulk_create(
        [
            LibraryEntry(user=user, paper=m.paper, source=parsed.source, key=m.item.key, line=m.item.line)
            for m in report.added
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # a second import running at the same moment
    )
    return report


def match_items(items: list[LibraryItem]) -> dict[int, Matched | Unmatched]:
    """Each item's match (keyed by ``id(item)``): by arXiv id, then DOI, then title."""
    by_arxiv = _papers_by(
        "arxiv_id", {item.arxiv_id for item in items if item.arxiv_id}, lambda paper: paper.arxiv_id
    )
    by_doi = _papers_by_lower("doi", {item.doi.lower() for item in items if item.doi})
    wanted_titles = {
        variant
        for item in items
        if item.title and item.arxiv_id not in by_arxiv and item.doi.lower() not in by_doi
        for variant in title_variants(item.title)
    }
    by_title = _papers_by_lower("title", wanted_titles)
    results: dict[int, Matched | Unmatched] = {}
    for item in items:
        if item.arxiv_id in by_arxiv:
            results[id(item)] = Matched(item, by_arxiv[item.arxiv_id], "arXiv id")
        elif item.doi and item.doi.lower() in by_doi:
            results[id(item)] = Matched(item, by_doi[item.doi.lower()], "DOI")
        elif paper := _title_match(item, by_title):
            results[id(item)] = Matched(item, paper, "title")
        else:
            results[id(item)] = Unmatched(item, _why_unmatched(item))
    return results


def _title_match(item: LibraryItem, by_title: dict[str, Paper]) -> Paper | None:
    for variant in title_variants(item.title) if item.title else []:
        paper = by_title.get(variant)
        if paper is not None and normalized_title(paper.title) == normalized_title(item.title):
            return paper
    return None


def _why_unmatched(item: LibraryItem) -> str:
    if item.arxiv_id:
        return f"arXiv {item.arxiv_id} is not on this site."
    if item.doi:
        return f"No paper here has the DOI {item.doi}" + (" or this title." if item.title else ".")
    if item.title:
        return "No paper here has this title (and the entry has no arXiv id or DOI)."
    return "The entry has no arXiv id, DOI or title."


def _visible() -> Iterable[Paper]:
    return Paper.objects.filter(hidden=False).only("pk", "arxiv_id", "title", "doi")


def _papers_by(column: str, values: set[str], key) -> dict[str, Paper]:
    found: dict[str, Paper] = {}
    ordered = sorted(values)
    for start in range(0, len(ordered), BATCH):
        for paper in _visible().filter(**{f"{column}__in": ordered[start : start + BATCH]}):
            found[key(paper)] = paper
    return found


def _papers_by_lower(column: str, values: set[str]) -> dict[str, Paper]:
    """Papers whose ``lower(column)`` is one of ``values`` (the title has an index on it)."""
    found: dict[str, Paper] = {}
    ordered = sorted(values)
    for start in range(0, len(ordered), BATCH):
        rows = (
            _visible()
            .annotate(lowered=Lower(column))
            .filter(lowered__in=ordered[start : start + BATCH])
            .order_by("-published", "-pk")  # several papers of one title: the newest wins
        )
        for paper in rows:
            found.setdefault(paper.lowered, paper)
    return found
