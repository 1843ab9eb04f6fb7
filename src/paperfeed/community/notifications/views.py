"""The notifications page (reading it marks what it shows as read), "mark all read", mail settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from paperfeed.community.notifications import service
from paperfeed.community.notifications.forms import MailSettingsForm

PAGE_SIZE = 30


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(service.newest_first(request.user), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("That page does not exist: the list is shorter.") from None
    items = list(page.object_list)
    # Marked read before the page is drawn, so the bell on it already counts them as read;
    # each keeps its "new" look on this one view.
    service.mark_read(request.user, [item.pk for item in items if item.read_at is None])
    context = {"page": page, "items": items, "nav": "notifications"}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = service.mark_all_read(request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def mail_settings(request: HttpRequest) -> HttpResponse:
    current = service.mail_settings(request.user)
    if request.method == "POST":
        form = MailSettingsForm(request.POST, instance=current)
        if form.is_valid():
            form.save()
            messages.success(request, "Your notification mail settings are saved.")
            return redirect("notifications:settings")
        status = 400
    else:
        form = MailSettingsForm(instance=current)
        status = 200
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "email": request.user.email, "verified": service.has_verified_email(request.user)},
        status=status,
    )
