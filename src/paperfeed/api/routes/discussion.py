"""``/api/papers/{id}/comments``: read the discussion (anyone), post to it (with a token)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from paperfeed.api.auth import token_auth
from paperfeed.api.comments_out import comment_dict, thread_dicts
from paperfeed.api.errors import ApiError
from paperfeed.api.lookup import visible_paper
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import WRITE_ERRORS, CommentIn, CommentOut, ErrorOut

router = Router(tags=["Discussion"])


@router.get(
    "/papers/{path:arxiv_id}/comments",
    response={200: list[CommentOut], 400: ErrorOut, 404: ErrorOut},
    summary="The discussion of a paper (paperfeed extension)",
    description=(
        "Top-level comments oldest first, each with its replies. Removed comments that have replies stay "
        "as placeholders (`removed: true`) so the replies keep their context."
    ),
)
def comments(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    return json_response(thread_dicts(visible_paper(arxiv_id)))


@router.post(
    "/papers/{path:arxiv_id}/comments",
    auth=token_auth,
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment on a paper",
    description=(
        "Markdown body; `parentId` makes it a reply. At most a few comments a minute per user "
        "(429 with `Retry-After` beyond)."
    ),
)
def post_comment(request: HttpRequest, arxiv_id: str, body: CommentIn) -> HttpResponse:
    from paperfeed.community.comments import CommentError
    from paperfeed.community.comments import post_comment as post
    from paperfeed.community.forms import CommentForm
    from paperfeed.community.markdown import render_markdown

    paper = visible_paper(arxiv_id)
    form = CommentForm({"body": body.body, "parent": body.parentId})
    if not form.is_valid():
        raise ApiError(" ".join(message for errors in form.errors.values() for message in errors))
    try:
        comment = post(request.auth, paper, form.cleaned_data["body"], form.cleaned_data.get("parent"))
    except CommentError as error:
        headers = {"Retry-After": "60"} if error.status == 429 else {}
        raise ApiError(error.message, error.status, headers) from None
    comment.body_html = render_markdown(comment.body)
    return json_response(comment_dict(comment), status=201)
