"""Notifications in the admin: read-only, for following a mail that did not go out."""

from django.contrib import admin

from paperfeed.community.notifications.models import MailSettings, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "comment", "created_at", "read_at", "mail_status", "mail_attempts"]
    list_filter = ["kind", "mail_status"]
    search_fields = ["recipient__username"]
    raw_id_fields = ["recipient", "comment"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(MailSettings)
class MailSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "replies", "mentions", "updated_at"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
