"""Moderation of comments, collections and votes in the Django admin."""

from __future__ import annotations

from django.contrib import admin, messages

from paperfeed.community import claims_admin  # noqa: F401  (registers the claims queue)
from paperfeed.community.models import (
    Collection,
    CollectionItem,
    Comment,
    Impression,
    LibraryEntry,
    NotInterested,
    OwnAuthorName,
    PickedTopic,
    Vote,
)
from paperfeed.community.votes import recount_upvotes
from paperfeed.papers.admin import PaperAdmin
from paperfeed.papers.models import Paper


class PaperWithVotesAdmin(PaperAdmin):
    """Papers as papers/admin.py moderates them; upvotes count local votes, which live here."""

    def save_model(self, request, obj: Paper, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "imported_upvotes" in form.changed_data:
            recount_upvotes([obj.pk])  # upvotes = imported + local votes


admin.site.unregister(Paper)
admin.site.register(Paper, PaperWithVotesAdmin)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("short_body", "author", "paper", "parent_id", "created_at", "hidden", "deleted")
    list_filter = ("hidden", "deleted", "created_at")
    search_fields = ("body", "author__username", "author__email", "paper__arxiv_id", "paper__title")
    list_select_related = ("author", "paper")
    raw_id_fields = ("paper", "author", "parent")
    readonly_fields = ("created_at", "edited_at")
    date_hierarchy = "created_at"
    actions = ("hide", "unhide")

    @admin.display(description="Comment")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.action(description="Hide the selected comments")
    def hide(self, request, queryset):
        count = queryset.update(hidden=True)
        self.message_user(request, f"Hid {count} comment(s).", messages.SUCCESS)

    @admin.action(description="Unhide the selected comments")
    def unhide(self, request, queryset):
        count = queryset.update(hidden=False)
        self.message_user(request, f"Unhid {count} comment(s).", messages.SUCCESS)


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    raw_id_fields = ("paper",)
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "is_public", "updated_at")
    list_filter = ("is_public",)
    search_fields = ("title", "description", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    inlines = (CollectionItemInline,)
    actions = ("make_private",)

    @admin.action(description="Make the selected collections private")
    def make_private(self, request, queryset):
        count = queryset.update(is_public=False)
        self.message_user(request, f"Made {count} collection(s) private.", messages.SUCCESS)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are read-only here; deleting one keeps the paper's counter right."""

    list_display = ("user", "paper", "created_at")
    search_fields = ("user__username", "paper__arxiv_id")
    list_select_related = ("user", "paper")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj: Vote) -> None:
        paper_id = obj.paper_id
        super().delete_model(request, obj)
        recount_upvotes([paper_id])

    def delete_queryset(self, request, queryset) -> None:
        paper_ids = set(queryset.values_list("paper_id", flat=True))
        super().delete_queryset(request, queryset)
        recount_upvotes(paper_ids)


@admin.register(LibraryEntry, NotInterested)
class ReaderPaperSignalAdmin(admin.ModelAdmin):
    """What readers imported or dismissed, for answering "why do I see this?" questions."""

    list_display = ("user", "paper", "created_at")
    search_fields = ("user__username", "paper__arxiv_id")
    list_select_related = ("user", "paper")
    raw_id_fields = ("user", "paper")


@admin.register(OwnAuthorName, PickedTopic)
class ReaderPickAdmin(admin.ModelAdmin):
    list_display = ("__str__", "created_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(Impression)
class ImpressionAdmin(admin.ModelAdmin):
    list_display = ("user", "paper", "shown_count", "last_shown_at", "opened_at")
    search_fields = ("user__username", "paper__arxiv_id")
    list_select_related = ("user", "paper")
    raw_id_fields = ("user", "paper")
