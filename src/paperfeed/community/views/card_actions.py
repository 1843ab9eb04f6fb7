"""The actions every paper card offers beside the upvote: "not interested" and "save".

Plain form POSTs that redirect back; community.js sends the same forms with fetch() and asks for
JSON, so the card changes in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_POST

from paperfeed.community.reader_signals import save_paper, set_not_interested
from paperfeed.community.views.common import (
    bad_request,
    login_required_response,
    safe_next,
    visible_paper,
    wants_json,
)


@require_POST
def not_interested(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """``action=hide`` (the default) hides the paper from this reader; ``action=undo`` brings it back."""
    paper = visible_paper(request, arxiv_id)
    back_to = safe_next(request, paper.get_absolute_url())
    if not request.user.is_authenticated:
        return login_required_response(request, back_to, "tell the recommendations what you do not want")
    action = request.POST.get("action", "hide")
    if action not in ("hide", "undo"):
        return bad_request(request, "Unknown action: use “hide” or “undo”.")
    dismissed = set_not_interested(request.user, paper, action == "hide")
    if wants_json(request):
        return JsonResponse({"not_interested": dismissed})
    if dismissed:
        messages.success(request, f"“{paper.title[:80]}” is hidden, and you will see fewer papers like it.")
    else:
        messages.success(request, f"“{paper.title[:80]}” is no longer hidden.")
    return HttpResponseRedirect(back_to)  # a URL, never a view name


@require_POST
def save(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Put the paper in the reader's private "Saved" collection."""
    paper = visible_paper(request, arxiv_id)
    back_to = safe_next(request, paper.get_absolute_url())
    if not request.user.is_authenticated:
        return login_required_response(request, back_to, "save papers")
    collection, added = save_paper(request.user, paper)
    if wants_json(request):
        return JsonResponse({"saved": True, "added": added, "collection": collection.get_absolute_url()})
    if added:
        messages.success(request, f"Saved to “{collection.title}”.")
    else:
        messages.info(request, f"It was already in “{collection.title}”.")
    return HttpResponseRedirect(back_to)  # a URL, never a view name
