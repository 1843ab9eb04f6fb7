"""Pages: subscribe, confirm, unsubscribe (RFC 8058 one-click), preferences, previews, and a digest
viewed in the browser (its cards with the actions of every card)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from paperfeed.community.reader_signals import dismissed_ids
from paperfeed.community.shown import show_papers
from paperfeed.digests import conf, signing
from paperfeed.digests.compose import Digest, DigestComposer, digest_from_contents
from paperfeed.digests.forms import PreferencesForm, SubscribeForm
from paperfeed.digests.models import DigestSend, Frequency, SendStatus, Subscription
from paperfeed.digests.periods import period_from_key, upcoming_period
from paperfeed.digests.render import DigestRenderer, frequency_label
from paperfeed.digests.subscriptions import (
    Outcome,
    client_may_subscribe,
    confirm,
    replace_saved_searches,
    request_subscription,
    unsubscribe,
)


def _invalid_link(request: HttpRequest, error: signing.InvalidToken) -> HttpResponse:
    return render(request, "digests/invalid_link.html", {"error": str(error)}, status=400)


def _user_email_verified(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "digests/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "digests/subscribe.html", {"form": form}, status=400)
    # REMOTE_ADDR is the client's own address (behind a trusted proxy, the one the proxy saw).
    if not client_may_subscribe(request.META.get("REMOTE_ADDR") or "unknown"):
        limit = conf.subscribe_requests_per_hour()
        error = (
            f"Too many subscribe requests from your network: at most {limit} an hour. "
            "Try again in an hour; nothing was sent."
        )
        return render(request, "digests/subscribe.html", {"form": form, "limit_error": error}, status=429)
    email, frequency = form.cleaned_data["email"], form.cleaned_data["frequency"]
    user = request.user if request.user.is_authenticated else None
    own_address = user is not None and (user.email or "").lower() == email
    subscription, outcome = request_subscription(
        email,
        frequency,
        user=user if own_address else None,
        verified=own_address and _user_email_verified(user),
    )
    context = {"email": email, "outcome": outcome.value, "daily_mails": conf.confirmation_mails_per_day()}
    status = 429 if outcome == Outcome.TOO_MANY_MAILS else 200
    return render(request, "digests/subscribe_done.html", context, status=status)


@require_http_methods(["GET", "POST"])
def confirm_subscription(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = signing.read_confirm(token)
    except signing.InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "GET" and not subscription.is_active:
        # A GET never confirms: mail scanners fetch links too. The person presses the button.
        return render(request, "digests/confirm.html", {"subscription": subscription, "token": token})
    newly = confirm(subscription) if request.method == "POST" else False
    return render(
        request,
        "digests/confirmed.html",
        {"subscription": subscription, "newly": newly, "manage_url": signing.manage_url(subscription)},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = signing.read_unsubscribe(token)
    except signing.InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "GET":
        # A GET never changes anything (link scanners follow links): ask for the click.
        return render(request, "digests/unsubscribe.html", {"subscription": subscription, "token": token})
    unsubscribe(subscription)
    return render(
        request,
        "digests/unsubscribed.html",
        {"subscription": subscription, "manage_url": signing.manage_url(subscription)},
    )


def _preferences(request: HttpRequest, subscription: Subscription, template_context: dict) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=subscription)
        if form.is_valid():
            form.save()
            replace_saved_searches(subscription, form.cleaned_data["saved_searches"])
            messages.success(request, "Your digest preferences are saved.")
            return redirect(request.path)
        status = 400
    else:
        form = PreferencesForm(instance=subscription)
        status = 200
    context = {"form": form, "subscription": subscription, **template_context}
    return render(request, "digests/manage.html", context, status=status)


@csrf_exempt  # the signed token in the URL is the credential; there is no session to ride on
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = signing.read_manage(token)
    except signing.InvalidToken as error:
        return _invalid_link(request, error)
    if request.method == "POST" and request.POST.get("action") == "resubscribe":
        _, outcome = request_subscription(subscription.email, subscription.frequency)
        _report_outcome(request, outcome, subscription.email)
        return redirect(request.path)
    return _preferences(request, subscription, {"unsubscribe_token": signing.unsubscribe_token(subscription)})


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    subscription = Subscription.objects.filter(user=user).first()
    if subscription is None and user.email:
        subscription = Subscription.objects.filter(email=user.email.lower()).first()
    if request.method == "POST" and request.POST.get("action") == "subscribe":
        if not user.email:
            messages.error(request, "Add an email address to your account first.")
            return redirect(request.path)
        _, outcome = request_subscription(
            user.email,
            request.POST.get("frequency") or Frequency.DAILY,
            user=user,
            verified=_user_email_verified(user),
        )
        _report_outcome(request, outcome, user.email)
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "unsubscribe" and subscription:
        unsubscribe(subscription)
        messages.success(request, "You will get no more digests.")
        return redirect(request.path)
    if subscription is None or not subscription.is_active:
        return render(request, "digests/settings_subscribe.html", {"subscription": subscription})
    return _preferences(request, subscription, {"unsubscribe_token": signing.unsubscribe_token(subscription)})


def _report_outcome(request: HttpRequest, outcome: Outcome, email: str) -> None:
    if outcome in (Outcome.CONFIRMATION_SENT, Outcome.CONFIRMATION_RECENTLY_SENT):
        messages.success(request, f"A confirmation mail is on its way to {email}.")
    elif outcome == Outcome.TOO_MANY_MAILS:
        messages.error(request, _too_many_mails(email))
    else:
        messages.success(request, "You are subscribed to the digest.")


def _too_many_mails(email: str) -> str:
    limit = conf.confirmation_mails_per_day()
    return (
        f"{email} has already been sent {limit} confirmation mails today, the daily limit. "
        "Use the link in one of them, or try again tomorrow."
    )


@staff_member_required
def preview(request: HttpRequest) -> HttpResponse:
    """Staff: the next digest of any subscriber, as the HTML (or ``?format=text``) they would get."""
    email = (request.GET.get("email") or "").strip().lower()
    if not email:
        recent = Subscription.objects.order_by("-created_at")[:50]
        return render(request, "digests/preview_pick.html", {"subscriptions": recent})
    subscription = Subscription.objects.filter(email=email).first()
    if subscription is None:
        return render(
            request,
            "digests/preview_pick.html",
            {"subscriptions": [], "error": f"No subscriber {email}."},
            status=404,
        )
    frequency = request.GET.get("frequency") or subscription.frequency
    if frequency not in Frequency.values:
        return render(
            request,
            "digests/preview_pick.html",
            {"subscriptions": [], "error": "Unknown frequency."},
            status=400,
        )
    digest = DigestComposer(upcoming_period(frequency, timezone.now())).compose(subscription)
    renderer = DigestRenderer()
    if request.GET.get("format") == "text":
        return HttpResponse(renderer.text(digest), content_type="text/plain; charset=utf-8")
    return HttpResponse(renderer.html(digest))


def view_in_browser(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription, period_key = signing.read_view(token)
        period = period_from_key(period_key)
    except (signing.InvalidToken, ValueError) as error:
        return _invalid_link(request, signing.InvalidToken(str(error)))
    sent = DigestSend.objects.filter(
        subscription=subscription, period_key=period.key, status=SendStatus.SENT
    ).first()
    if sent is not None and sent.contents:
        digest = digest_from_contents(subscription, period, sent.contents)
    else:  # not sent (yet): what it would hold now
        digest = DigestComposer(period).compose(subscription)
    sections = _sections_shown_to(digest, request.user)
    context = {
        "sections": sections,
        "paper_count": sum(len(section["rows"]) for section in sections),
        "frequency_label": frequency_label(period.frequency),
        "period_label": period.label,
        "email": subscription.email,
        "manage_url": signing.manage_url(subscription),
        "unsubscribe_url": signing.unsubscribe_url(subscription),
    }
    return render(request, "digests/view.html", context)


def _sections_shown_to(digest: Digest, reader) -> list[dict]:
    """The digest's sections as paper cards for whoever opened the page, which may be someone other
    than the subscriber: their own upvotes, and without what they marked "not interested" (as For
    you). The token only lets them read it; the cards' actions act for the signed-in reader."""
    hidden = dismissed_ids(reader, [paper.pk for paper in digest.papers])
    papers = [paper for paper in digest.papers if paper.pk not in hidden]
    cards = {card.paper.pk: card for card in show_papers(papers, reader)}
    sections = []
    for section in digest.sections:
        rows = [
            {"card": cards[item.paper.pk], "reason": item.reason}
            for item in section.items
            if item.paper.pk in cards
        ]
        if rows or section.note:
            sections.append({"title": section.title, "note": section.note, "rows": rows})
    return sections
