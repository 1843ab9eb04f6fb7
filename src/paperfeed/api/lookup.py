"""Finding the paper an API path names: malformed ids are a 400, unknown or hidden papers a 404."""

from __future__ import annotations

from paperfeed.api.errors import ApiError
from paperfeed.api.serializers import (
    PAPER_COLUMNS,
    SUBMISSION_COLUMNS,
    PaperRow,
    Submission,
    submission_of_row,
)
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper


def arxiv_id_of(text: str) -> str:
    try:
        return parse_arxiv_id(text).id
    except InvalidArxivId as error:
        raise ApiError(str(error)) from None


def visible_paper(text: str) -> Paper:
    arxiv_id = arxiv_id_of(text)
    paper = Paper.objects.filter(arxiv_id=arxiv_id, hidden=False).first()
    if paper is None:
        raise ApiError(f"There is no paper {arxiv_id} here.", status=404)
    return paper


# The paper's columns, then its listing's visibility and submission (NULL without a listing).
DETAIL_COLUMNS = (*PAPER_COLUMNS, "listing__hidden", *(f"listing__{column}" for column in SUBMISSION_COLUMNS))
PAPER_WIDTH = len(PAPER_COLUMNS)


def visible_paper_row(text: str) -> tuple[PaperRow, Submission | None]:
    """A visible paper as a row with its (visible) listing's submission, in one query."""
    arxiv_id = arxiv_id_of(text)
    row = Paper.objects.filter(arxiv_id=arxiv_id, hidden=False).values_list(*DETAIL_COLUMNS).first()
    if row is None:
        raise ApiError(f"There is no paper {arxiv_id} here.", status=404)
    paper = dict(zip(PAPER_COLUMNS, row[:PAPER_WIDTH], strict=True))
    listing_hidden, *submission = row[PAPER_WIDTH:]
    if listing_hidden is None or listing_hidden:
        return paper, None
    return paper, submission_of_row(*submission)
