"""Posting, editing and deleting comments. Errors re-show the form with the text kept."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from paperfeed.community import comments
from paperfeed.community.forms import CommentForm
from paperfeed.community.markdown import render_markdown
from paperfeed.community.models import Comment
from paperfeed.community.views.common import forbidden, login_required_response, visible_paper


def _anchor(comment: Comment) -> str:
    return f"{comment.paper.get_absolute_url()}#comment-{comment.pk}"


@require_POST
def post(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = visible_paper(request, arxiv_id)
    if not request.user.is_authenticated:
        return login_required_response(request, f"{paper.get_absolute_url()}#discussion", "comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _form_page(request, paper, form, status=400)
    if request.POST.get("preview"):
        # Shown as it will appear, with the text kept in the form; nothing is saved.
        preview = render_markdown(form.cleaned_data["body"])
        return _form_page(request, paper, form, status=200, preview=preview)
    try:
        comment = comments.post_comment(
            request.user, paper, form.cleaned_data["body"], form.cleaned_data.get("parent")
        )
    except comments.CommentError as error:
        return _form_page(request, paper, form, status=error.status, error=error.message)
    return redirect(_anchor(comment))


def _form_page(
    request, paper, form, *, status: int, error: str = "", comment=None, preview: str = ""
) -> HttpResponse:
    context = {"paper": paper, "form": form, "error": error, "comment": comment, "preview": preview}
    return render(request, "community/comment_form.html", context, status=status)


def _own_comment(request: HttpRequest, pk: int) -> Comment | HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    if comment.deleted or comment.hidden or (comment.paper.hidden and not request.user.is_staff):
        raise Http404("That comment was removed.")
    if comment.author_id != request.user.pk:
        return forbidden(request, "You can only change your own comments.")
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if isinstance(comment, HttpResponse):
        return comment
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            comments.edit_comment(comment, form.cleaned_data["body"])
            return redirect(_anchor(comment))
        status = 400
    else:
        form = CommentForm(initial={"body": comment.body})
        status = 200
    return _form_page(request, comment.paper, form, status=status, comment=comment)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if isinstance(comment, HttpResponse):
        return comment
    if request.method == "POST":
        comments.delete_comment(comment)
        return redirect(f"{comment.paper.get_absolute_url()}#discussion")
    return render(request, "community/comment_delete.html", {"comment": comment, "paper": comment.paper})
