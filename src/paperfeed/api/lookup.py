"""Finding the paper an API path names: malformed ids are a 400, unknown or hidden papers a 404."""

from __future__ import annotations

from paperfeed.api.errors import ApiError
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper


def visible_paper(text: str) -> Paper:
    try:
        arxiv_id = parse_arxiv_id(text).id
    except InvalidArxivId as error:
        raise ApiError(str(error)) from None
    paper = Paper.objects.filter(arxiv_id=arxiv_id, hidden=False).first()
    if paper is None:
        raise ApiError(f"There is no paper {arxiv_id} here.", status=404)
    return paper
