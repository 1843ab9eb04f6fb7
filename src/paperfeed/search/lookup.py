"""Exact lookups that put one paper first: an arXiv id or link (any version), a DOI, an exact title.

All of them ask the database, never the search index, so they work before the index is built
and for papers it has not caught up with yet. The title lookup compares ``lower(title)`` (an
expression index added by this app's migration keeps it a single index probe at any size).
"""

from __future__ import annotations

import re

from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper
from paperfeed.search.rows import visible_pks_where

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# Titles are at least two words; a single word is a keyword search, not a title.
MIN_TITLE_WORDS = 2
MAX_TITLE_MATCHES = 5


def exact_matches(raw: str) -> list[int]:
    """Pks of visible papers that ``raw`` names exactly by arXiv id/URL, DOI or whole title."""
    text = " ".join(raw.split())
    try:
        arxiv = parse_arxiv_id(text)
    except InvalidArxivId:
        arxiv = None
    if arxiv is not None:
        return visible_pks_where("arxiv_id = %s", [arxiv.id])
    doi = _DOI.match(text)
    if doi:
        return list(Paper.objects.filter(doi__iexact=doi.group(1), hidden=False).values_list("pk", flat=True))
    return title_matches(text)


def title_matches(text: str) -> list[int]:
    """Visible papers whose title is ``text`` ignoring case (newest first when several share it)."""
    text = " ".join(text.split())
    if len(text.split()) < MIN_TITLE_WORDS:
        return []
    # Written as the index's expression, so the database answers with one index probe.
    return visible_pks_where(
        "lower(title) = lower(%s)", [text], order="published DESC, id DESC", limit=MAX_TITLE_MATCHES
    )


def normalized_title(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
