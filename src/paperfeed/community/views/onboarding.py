"""Starting the recommendations in a minute: import a library, say which author you are, or pick
a few categories and topics. Shown on a reader's first visit to For you and after sign-up."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from paperfeed.community.library_formats import LibraryError, decode, parse_file, parse_pasted
from paperfeed.community.library_import import import_library
from paperfeed.community.models import LibraryEntry, OwnAuthorName, PickedTopic
from paperfeed.community.reader_signals import (
    MAX_PICKED_TOPICS,
    author_candidates,
    popular_categories,
)
from paperfeed.papers.models import Authorship

MAX_PASTED_CHARS = 200_000  # about 10,000 ids
MAX_ENTRIES = 20_000
REPORT_ROWS = 500  # rows of each list the report shows; the counts are always whole
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?$")


def _page(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    typed = request.GET.get("author", "").strip()[:200]
    context = {
        "nav": "for_you",
        "typed_author": typed,
        "candidates": author_candidates(typed) if typed else [],
        "own_names": OwnAuthorName.objects.filter(user=user),
        "picked": PickedTopic.objects.filter(user=user),
        "picked_values": set(PickedTopic.objects.filter(user=user).values_list("value", flat=True)),
        "categories": popular_categories(),
        "library_count": LibraryEntry.objects.filter(user=user).count(),
        "max_mb": settings.LIBRARY_MAX_BYTES // (1024 * 1024),
        **extra,
    }
    return render(request, "community/onboarding.html", context, status=status)


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def import_library_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("library")
    pasted = request.POST.get("ids", "").strip()
    if upload is None and not pasted:
        return _page(request, 400, import_error="Choose a library file, or paste arXiv ids, DOIs or links.")
    if upload is not None and upload.size > settings.LIBRARY_MAX_BYTES:
        limit = settings.LIBRARY_MAX_BYTES // (1024 * 1024)
        size = upload.size / (1024 * 1024)
        return _page(
            request,
            400,
            import_error=f"“{upload.name}” is {size:.0f} MB; a library file may be at most {limit} MB. "
            "Export the library without attachments or notes, or import it in parts.",
        )
    if len(pasted) > MAX_PASTED_CHARS:
        return _page(request, 400, import_error="That is too much to paste at once: upload a file instead.")
    try:
        parsed = parse_file(decode(upload.read())) if upload is not None else parse_pasted(pasted)
    except LibraryError as error:
        return _page(request, 400, import_error=str(error))
    if len(parsed.items) > MAX_ENTRIES:
        return _page(
            request,
            400,
            import_error=f"The library has {len(parsed.items):,} entries; at most {MAX_ENTRIES:,} can be "
            "imported at once. Import it in parts.",
        )
    if not parsed.items:
        return _page(
            request,
            400,
            import_error="No entry could be read, so nothing was imported.",
            import_problems=parsed.problems[:REPORT_ROWS],
        )
    report = import_library(request.user, parsed)
    return render(
        request,
        "community/library_report.html",
        {
            "nav": "for_you",
            "report": report,
            "row_slice": f":{REPORT_ROWS}",
            "more_added": max(0, len(report.added) - REPORT_ROWS),
            "file_name": upload.name if upload else "",
        },
    )


@login_required
@require_POST
def pick_author(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    # A NUL cannot be stored or even looked up on PostgreSQL: no author has one anyway.
    if not name or "\x00" in name or not Authorship.objects.visible().filter(name=name).exists():
        return _page(request, 400, author_error=f"No paper here has an author named “{name[:200]}”.")
    try:
        with transaction.atomic():
            OwnAuthorName.objects.create(user=request.user, name=name)
    except IntegrityError:
        messages.info(request, f"You already said the papers of {name} are yours.")
    else:
        messages.success(request, f"The papers of {name} now count as yours.")
    return redirect("community:onboarding")


@login_required
@require_POST
def pick_topics(request: HttpRequest) -> HttpResponse:
    categories = [value.strip() for value in request.POST.getlist("category") if value.strip()]
    topics = [value.strip() for value in request.POST.get("topics", "").split(",") if value.strip()]
    wrong = [value for value in categories if not _CATEGORY.match(value) or len(value) > 40]
    if wrong:
        return _page(request, 400, topics_error=f"“{wrong[0][:60]}” is not an arXiv category (like cs.LG).")
    if any(len(topic) > 100 for topic in topics):
        return _page(request, 400, topics_error="A topic may be at most 100 characters long.")
    if any(ch < " " for topic in topics for ch in topic):
        return _page(
            request,
            400,
            topics_error="A topic may hold letters, digits and punctuation, no control characters.",
        )
    if not categories and not topics:
        return _page(request, 400, topics_error="Pick at least one category, or type a topic.")
    existing = PickedTopic.objects.filter(user=request.user).count()
    wanted = [(PickedTopic.Kind.CATEGORY, c) for c in categories] + [
        (PickedTopic.Kind.TOPIC, t) for t in topics
    ]
    if existing + len(wanted) > MAX_PICKED_TOPICS:
        return _page(
            request, 400, topics_error=f"You may pick at most {MAX_PICKED_TOPICS} categories and topics."
        )
    PickedTopic.objects.bulk_create(
        [PickedTopic(user=request.user, kind=kind, value=value) for kind, value in wanted],
        ignore_conflicts=True,
    )
    messages.success(request, "Your picks are saved: For you starts from them.")
    return redirect("community:onboarding")
