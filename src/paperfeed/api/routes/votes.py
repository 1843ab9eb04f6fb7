"""``POST``/``DELETE /api/papers/{id}/upvote``: set the caller's vote."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from paperfeed.api.auth import token_auth
from paperfeed.api.lookup import visible_paper
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import WRITE_ERRORS, VoteOut

router = Router(tags=["Writes (personal access token)"])


def _vote(request: HttpRequest, arxiv_id: str, want: bool) -> HttpResponse:
    from paperfeed.community.votes import set_vote

    paper = visible_paper(arxiv_id)
    voted, upvotes = set_vote(request.auth, paper, want)
    return json_response({"id": paper.arxiv_id, "upvoted": voted, "upvotes": upvotes})


@router.post(
    "/papers/{path:arxiv_id}/upvote",
    auth=token_auth,
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Upvote a paper",
    description="Idempotent: upvoting twice counts once.",
)
def upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    return _vote(request, arxiv_id, True)


@router.delete(
    "/papers/{path:arxiv_id}/upvote",
    auth=token_auth,
    response={200: VoteOut, **WRITE_ERRORS},
    summary="Take back an upvote",
    description="Idempotent: removing a vote that is not there changes nothing.",
)
def remove_upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    return _vote(request, arxiv_id, False)
