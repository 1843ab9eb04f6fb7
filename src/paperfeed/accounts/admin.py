from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from paperfeed.accounts.models import User


@admin.register(User)
class PaperfeedUserAdmin(UserAdmin):
    list_display = ("username", "email", "fullname", "is_active", "is_staff", "imported")
    list_filter = ("is_active", "is_staff", "imported")
    fieldsets = (*UserAdmin.fieldsets, ("Profile", {"fields": ("fullname", "avatar_url", "imported")}))
    actions = ("deactivate",)

    @admin.action(description="Deactivate the selected users")
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)
