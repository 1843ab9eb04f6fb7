"""Exact lookups that put one paper first: an arXiv id or link (any version), a DOI, an exact title."""

from __future__ import annotations

import re

from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


def exact_matches(raw: str) -> list[int]:
    """Pks of visible papers that ``raw`` names exactly by arXiv id/URL or DOI."""
    text = raw.strip()
    try:
        arxiv = parse_arxiv_id(text)
    except InvalidArxivId:
        arxiv = None
    if arxiv is not None:
        return list(Paper.objects.filter(arxiv_id=arxiv.id, hidden=False).values_list("pk", flat=True))
    doi = _DOI.match(text)
    if doi:
        return list(Paper.objects.filter(doi__iexact=doi.group(1), hidden=False).values_list("pk", flat=True))
    return []


def normalized_title(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
