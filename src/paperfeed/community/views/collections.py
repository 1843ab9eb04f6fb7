"""Collections: public pages, and the owner's create/edit/delete/add/remove actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from paperfeed.community.forms import CollectionForm
from paperfeed.community.models import Collection, CollectionItem
from paperfeed.community.shown import show_papers
from paperfeed.community.views.common import bad_request, forbidden, safe_next, visible_paper
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper

PAGE_SIZE = 30


def _viewable(request: HttpRequest, pk: int) -> Collection:
    """The collection, or 404 if it is private and not the visitor's own."""
    collection = get_object_or_404(Collection.objects.select_related("owner"), pk=pk)
    if not collection.is_public and collection.owner_id != request.user.pk:
        raise Http404("There is no such collection, or it is private.")
    return collection


def _owned(request: HttpRequest, pk: int) -> Collection | HttpResponse:
    collection = _viewable(request, pk)
    if collection.owner_id != request.user.pk:
        return forbidden(request, "Only the owner of a collection can change it.")
    return collection


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _viewable(request, pk)
    papers = collection.papers.filter(hidden=False).order_by("-collection_items__added_at")
    paginator = Paginator(papers, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("That page does not exist: the collection is shorter.") from None
    context = {
        "collection": collection,
        "page": page,
        "cards": show_papers(page.object_list, request.user),
        "is_owner": collection.owner_id == request.user.pk,
    }
    return render(request, "community/collection.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Create a collection; with ``paper`` (an arXiv id) the paper goes straight into it."""
    paper = None
    paper_id = request.POST.get("paper") or request.GET.get("paper")
    if paper_id:
        try:
            paper = _paper_from_id(request, paper_id)
        except _BadPaperId as error:
            return bad_request(request, str(error))
    if request.method == "POST":
        form = CollectionForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                collection = form.save(commit=False)
                collection.owner = request.user
                collection.save()
                if paper is not None:
                    CollectionItem.objects.create(collection=collection, paper=paper)
            if paper is not None:
                messages.success(request, f"Created “{collection.title}” with this paper in it.")
                return redirect(safe_next(request, paper.get_absolute_url()))
            messages.success(request, f"Created “{collection.title}”.")
            return redirect(collection)
        status = 400
    else:
        form = CollectionForm()
        status = 200
    context = {"form": form, "paper": paper, "collection": None}
    return render(request, "community/collection_form.html", context, status=status)


class _BadPaperId(Exception):
    pass


def _paper_from_id(request: HttpRequest, text: str) -> Paper:
    """The visible paper named by ``text``; 404 if unknown, :class:`_BadPaperId` if malformed."""
    try:
        arxiv_id = parse_arxiv_id(text).id
    except InvalidArxivId as error:
        raise _BadPaperId(str(error)) from None
    return visible_paper(request, arxiv_id)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _owned(request, pk)
    if isinstance(collection, HttpResponse):
        return collection
    form = CollectionForm(request.POST or None, instance=collection)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Collection saved.")
            return redirect(collection)
        return render(
            request, "community/collection_form.html", {"form": form, "collection": collection}, status=400
        )
    return render(request, "community/collection_form.html", {"form": form, "collection": collection})


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _owned(request, pk)
    if isinstance(collection, HttpResponse):
        return collection
    if request.method == "POST":
        title = collection.title
        collection.delete()
        messages.success(request, f"Deleted the collection “{title}”.")
        return redirect("community:profile", username=request.user.username)
    return render(request, "community/collection_delete.html", {"collection": collection})


@login_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _owned(request, pk)
    if isinstance(collection, HttpResponse):
        return collection
    try:
        paper = _paper_from_id(request, request.POST.get("paper", ""))
    except _BadPaperId as error:
        return bad_request(request, str(error))
    try:
        with transaction.atomic():
            CollectionItem.objects.create(collection=collection, paper=paper)
    except IntegrityError:
        messages.info(request, f"It was already in “{collection.title}”.")
    else:
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
        messages.success(request, f"Added to “{collection.title}”.")
    return redirect(safe_next(request, paper.get_absolute_url()))


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _owned(request, pk)
    if isinstance(collection, HttpResponse):
        return collection
    try:
        paper = _paper_from_id(request, request.POST.get("paper", ""))
    except _BadPaperId as error:
        return bad_request(request, str(error))
    removed, _ = CollectionItem.objects.filter(collection=collection, paper=paper).delete()
    if removed:
        Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
        messages.success(request, f"Removed from “{collection.title}”.")
    else:
        messages.info(request, f"It was not in “{collection.title}”.")
    return redirect(safe_next(request, reverse("community:collection", args=[collection.pk])))
