from django.contrib import admin

from paperfeed.digests.models import DigestSend, SavedSearch, Subscription


class SavedSearchInline(admin.TabularInline):
    model = SavedSearch
    extra = 0


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed_at", "unsubscribed_at", "bouncing", "bounce_count"]
    list_filter = ["frequency", "bouncing"]
    search_fields = ["email", "user__username"]
    raw_id_fields = ["user"]
    inlines = [SavedSearchInline]


@admin.register(DigestSend)
class DigestSendAdmin(admin.ModelAdmin):
    list_display = ["subscription", "period_key", "status", "attempts", "sent_at", "paper_count"]
    list_filter = ["status", "period_key"]
    search_fields = ["subscription__email"]
    raw_id_fields = ["subscription"]
    readonly_fields = ["claim_token", "claimed_at", "created_at"]
