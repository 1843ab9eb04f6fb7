"""Moderation of papers, listings and authorships in the Django admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models

from paperfeed.papers.models import Authorship, Listing, Paper


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    raw_id_fields = ("user",)
    extra = 0


class ListingInline(admin.StackedInline):
    model = Listing
    raw_id_fields = ("submitted_by",)
    extra = 0


def _set_hidden(modeladmin, request, queryset, hidden: bool, noun: str) -> None:
    count = queryset.update(hidden=hidden)
    verb = "Hid" if hidden else "Unhid"
    modeladmin.message_user(request, f"{verb} {count} {noun}(s).", messages.SUCCESS)


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("arxiv_id", "title", "published", "upvotes", "hidden")
    list_filter = ("hidden",)
    search_fields = ("^arxiv_id", "title")
    readonly_fields = ("upvotes", "created_at", "modified_at")
    date_hierarchy = "published"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (ListingInline, AuthorshipInline)
    actions = ("hide", "unhide")

    @admin.action(description="Hide the selected papers (off every feed and page)")
    def hide(self, request, queryset):
        _set_hidden(self, request, queryset, True, "paper")

    @admin.action(description="Unhide the selected papers")
    def unhide(self, request, queryset):
        _set_hidden(self, request, queryset, False, "paper")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("paper", "date", "submitted_by", "submitted_at", "hidden", "imported")
    list_filter = ("hidden", "imported", "date")
    search_fields = ("^paper__arxiv_id", "paper__title", "submitted_by__username")
    list_select_related = ("paper", "submitted_by")
    raw_id_fields = ("paper", "submitted_by")
    date_hierarchy = "date"
    actions = ("hide", "unhide")

    @admin.action(description="Take the selected listings off the feed")
    def hide(self, request, queryset):
        _set_hidden(self, request, queryset, True, "listing")

    @admin.action(description="Put the selected listings back on the feed")
    def unhide(self, request, queryset):
        _set_hidden(self, request, queryset, False, "listing")


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ("name", "paper", "position", "user", "hidden")
    list_filter = ("hidden",)
    search_fields = ("name", "^paper__arxiv_id", "user__username")
    list_select_related = ("paper", "user")
    raw_id_fields = ("paper", "user")
