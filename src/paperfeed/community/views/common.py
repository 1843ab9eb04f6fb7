"""Small helpers shared by the community views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from paperfeed.core.errors import NotFoundPage
from paperfeed.papers.models import Paper


def visible_paper(request: HttpRequest, arxiv_id: str) -> Paper:
    """The paper, or 404 if it does not exist or is hidden (staff still see hidden papers)."""
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    if paper is None:
        raise NotFoundPage(
            f"arXiv:{arxiv_id} is not on this site yet.", "papers/not_here.html", {"arxiv_id": arxiv_id}
        )
    if paper.hidden and not request.user.is_staff:
        raise Http404(f"There is no paper {arxiv_id} here.")
    return paper


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` parameter if it points back into this site, else ``fallback``."""
    return safe_target(request, request.POST.get("next") or request.GET.get("next") or "", fallback)


def safe_target(request: HttpRequest, target: str, fallback: str) -> str:
    """``target`` if it is a path on this site (or a link to it), else ``fallback``.

    A bare word is refused too: ``redirect()`` would take it for a view name and fail.
    """
    if target.startswith(("/", "http://", "https://")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def wants_json(request: HttpRequest) -> bool:
    """True for fetch() calls from community.js, which ask for JSON explicitly."""
    return "application/json" in request.headers.get("Accept", "")


# The session key holding what a visitor asked to do before they had signed in.
PENDING_ACTION = "paperfeed_pending_action"

# What ``community:continue`` does for each kind of pending action: the views that put a visitor
# through the sign-in wall register here, so the continue view needs no import of them.
PendingHandler = Callable[[HttpRequest, dict, str], HttpResponse]
PENDING_HANDLERS: dict[str, PendingHandler] = {}


def resumes_after_login(*kinds: str) -> Callable[[PendingHandler], PendingHandler]:
    """Register ``handler(request, pending, back_to)`` to finish ``kinds`` after sign-in."""

    def register(handler: PendingHandler) -> PendingHandler:
        for kind in kinds:
            PENDING_HANDLERS[kind] = handler
        return handler

    return register


def login_required_response(
    request: HttpRequest, back_to: str, action: str, pending: dict | None = None
) -> HttpResponse:
    """Send a visitor to the login page (or a 401 for scripts), saying why, and back to ``back_to``.

    ``pending`` (for example ``{"kind": "upvote", "arxiv_id": ...}``) is remembered in the
    session: after signing in the visitor passes through ``community:continue``, which does it
    and then goes on to ``back_to``, so the click that met the wall is not lost.
    """
    target = back_to
    if pending is not None:
        request.session[PENDING_ACTION] = {**pending, "back_to": back_to}
        target = reverse("community:continue")
    login = redirect_to_login(target)
    reason = f"Log in to {action}." + (" It is done as soon as you are in." if pending else "")
    # Also for scripts: community.js follows login_url, and the login page then says why.
    messages.info(request, f"{reason} No account yet? Sign up, and you come back here.")
    if wants_json(request):
        return JsonResponse({"error": reason, "login_url": login["Location"]}, status=401)
    return login


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return render(request, "errors/400.html", {"message": message}, status=400)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "community/forbidden.html", {"message": message}, status=403)
