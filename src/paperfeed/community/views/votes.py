"""Upvoting a paper: a plain form POST, or fetch() from community.js asking for JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from paperfeed.community.views.common import (
    PENDING_ACTION,
    PENDING_HANDLERS,
    bad_request,
    login_required_response,
    resumes_after_login,
    safe_next,
    safe_target,
    visible_paper,
    wants_json,
)
from paperfeed.community.votes import has_voted, set_vote
from paperfeed.papers.models import Paper


@require_POST
def upvote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Set the vote: ``action=up`` or ``action=remove``; without ``action`` the vote toggles.

    The buttons send the state they want, so a double click or two tabs cannot undo a vote.
    """
    paper = visible_paper(request, arxiv_id)
    back_to = safe_next(request, paper.get_absolute_url())
    if not request.user.is_authenticated:
        if request.POST.get("action", "up") == "remove":
            return login_required_response(request, back_to, "upvote papers")
        pending = {"kind": "upvote", "arxiv_id": paper.arxiv_id}
        return login_required_response(request, back_to, f"upvote “{paper.title[:80]}”", pending)
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


def continue_after_login(request: HttpRequest) -> HttpResponse:
    """Finish what a visitor asked for before signing in (see ``login_required_response``).

    A GET (the login page redirects here), but it only ever does the session's own pending
    action, which was asked for by a POST that passed the CSRF check.
    """
    pending = request.session.get(PENDING_ACTION)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    request.session.pop(PENDING_ACTION, None)
    if not isinstance(pending, dict):
        return redirect("papers:home")
    back_to = safe_target(request, str(pending.get("back_to", "")), reverse("papers:home"))
    handler = PENDING_HANDLERS.get(str(pending.get("kind", "")))
    if handler is None:
        return redirect(back_to)
    return handler(request, pending, back_to)


@resumes_after_login("upvote")
def continue_upvote(request: HttpRequest, pending: dict, back_to: str) -> HttpResponse:
    paper = Paper.objects.visible().filter(arxiv_id=str(pending.get("arxiv_id", ""))).first()
    if paper is not None:
        set_vote(request.user, paper, True)
        messages.success(request, f"Upvoted “{paper.title[:80]}”.")
    return redirect(back_to)
