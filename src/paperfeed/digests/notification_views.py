"""The one-click unsubscribe page of notification mail (RFC 8058), one kind at a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from paperfeed.community.notifications import service
from paperfeed.community.notifications.models import Kind
from paperfeed.digests import signing
from paperfeed.digests.notification_mail import read_unsubscribe

KIND_LABELS = {Kind.REPLY: "replies to your comments", Kind.MENTION: "mentions of you"}


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    template = "digests/notification_unsubscribe.html"
    try:
        user, kind = read_unsubscribe(token)
    except signing.InvalidToken as error:
        return render(request, template, {"error": str(error)}, status=400)
    context = {"token": token, "kind_label": KIND_LABELS[kind]}
    if request.method == "GET":
        # A GET never changes anything (link scanners follow links): ask for the click.
        return render(request, template, context)
    service.set_mail(user, kind, on=False)
    return render(request, template, {**context, "done": True})
