"""Authors on the site in the Django admin: the queue of authorship claims (approve or reject)
and members' profile details (to correct an affiliation or a link)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from paperfeed.community import claims
from paperfeed.community.models import AuthorshipClaim, ClaimStatus, ProfileDetails


class ClaimStatusFilter(admin.SimpleListFilter):
    """By status, the claims waiting for review unless another choice is made."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*ClaimStatus.choices, (self.ALL, "All")]

    def queryset(self, request, queryset):
        value = self.value() or ClaimStatus.PENDING
        return queryset if value == self.ALL else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or ClaimStatus.PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(AuthorshipClaim)
class AuthorshipClaimAdmin(admin.ModelAdmin):
    """Claims are made by members and decided by the actions; nothing else edits them."""

    list_display = ("name", "paper_link", "claimant", "status", "created_at", "decided_by", "decided_at")
    list_filter = (ClaimStatusFilter,)
    search_fields = ("name", "user__username", "user__email", "paper__arxiv_id", "paper__title")
    list_select_related = ("user", "paper", "decided_by")
    readonly_fields = ("user", "paper", "name", "status", "created_at", "decided_by", "decided_at")
    date_hierarchy = "created_at"
    actions = ("approve", "reject")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="Paper", ordering="paper__arxiv_id")
    def paper_link(self, claim: AuthorshipClaim) -> str:
        return format_html(
            '<a href="{}">{}</a> {}',
            claim.paper.get_absolute_url(),
            claim.paper.arxiv_id,
            claim.paper.title[:70],
        )

    @admin.display(description="Member", ordering="user__username")
    def claimant(self, claim: AuthorshipClaim) -> str:
        url = reverse("community:profile", args=[claim.user.username])
        return format_html('<a href="{}">{}</a>', url, claim.user.display_name)

    @admin.action(description="Approve the selected claims", permissions=["change"])
    def approve(self, request, queryset):
        result = claims.approve(queryset, request.user)
        self.message_user(request, f"Approved {result.done} claim(s).", messages.SUCCESS)
        for reason in result.skipped or []:
            self.message_user(request, f"Not approved: {reason}.", messages.WARNING)

    @admin.action(description="Reject the selected claims (or revoke approved ones)", permissions=["change"])
    def reject(self, request, queryset):
        result = claims.reject(queryset, request.user)
        self.message_user(request, f"Rejected {result.done} claim(s).", messages.SUCCESS)


@admin.register(ProfileDetails)
class ProfileDetailsAdmin(admin.ModelAdmin):
    list_display = ("user", "affiliation", "updated_at")
    search_fields = ("user__username", "affiliation")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # "example.org" is https
