"""Small helpers shared by the community views."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme

from paperfeed.papers.models import Paper


def visible_paper(request: HttpRequest, arxiv_id: str) -> Paper:
    """The paper, or 404 if it does not exist or is hidden (staff still see hidden papers)."""
    paper = get_object_or_404(Paper, arxiv_id=arxiv_id)
    if paper.hidden and not request.user.is_staff:
        raise Http404(f"There is no paper {arxiv_id} here.")
    return paper


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` parameter if it points back into this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def wants_json(request: HttpRequest) -> bool:
    """True for fetch() calls from community.js, which ask for JSON explicitly."""
    return "application/json" in request.headers.get("Accept", "")


def login_required_response(request: HttpRequest, back_to: str, action: str) -> HttpResponse:
    """Send a visitor to the login page (or a 401 for scripts), coming back to ``back_to``."""
    login = redirect_to_login(back_to)
    if wants_json(request):
        return JsonResponse({"error": f"Log in to {action}.", "login_url": login["Location"]}, status=401)
    return login


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return render(request, "errors/400.html", {"message": message}, status=400)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=403)
    return render(request, "community/forbidden.html", {"message": message}, status=403)
