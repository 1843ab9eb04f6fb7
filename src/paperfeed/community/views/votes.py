"""Upvoting a paper: a plain form POST, or fetch() from community.js asking for JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from paperfeed.community.views.common import (
    bad_request,
    login_required_response,
    safe_next,
    visible_paper,
    wants_json,
)
from paperfeed.community.votes import has_voted, set_vote


@require_POST
def upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Set the vote: ``action=up`` or ``action=remove``; without ``action`` the vote toggles.

    The buttons send the state they want, so a double click or two tabs cannot undo a vote.
    """
    paper = visible_paper(request, arxiv_id)
    back_to = safe_next(request, paper.get_absolute_url())
    if not request.user.is_authenticated:
        return login_required_response(request, back_to, "upvote papers")
    action = request.POST.get("action", "")
    if action == "up":
        want = True
    elif action == "remove":
        want = False
    elif action == "":
        want = not has_voted(request.user, paper)
    else:
        return bad_request(request, "Unknown vote action: use “up” or “remove”.")
    voted, upvotes = set_vote(request.user, paper, want)
    if wants_json(request):
        return JsonResponse({"voted": voted, "upvotes": upvotes})
    return redirect(back_to)
