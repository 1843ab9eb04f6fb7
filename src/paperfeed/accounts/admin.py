from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils import timezone

from paperfeed.accounts.models import Invite, User
from paperfeed.accounts.roles import moderators_group


@admin.register(User)
class PaperfeedUserAdmin(UserAdmin):
    list_display = ("username", "email", "fullname", "is_active", "is_staff", "imported")
    list_filter = ("is_active", "is_staff", "imported", "groups")
    fieldsets = (*UserAdmin.fieldsets, ("Profile", {"fields": ("fullname", "avatar_url", "imported")}))
    actions = ("deactivate", "make_moderators", "remove_moderators")

    @admin.action(description="Deactivate the selected users")
    def deactivate(self, request, queryset):
        queryset.update(is_active=False)

    @admin.action(description="Make the selected users moderators", permissions=["change"])
    def make_moderators(self, request, queryset):
        # Staff status lets them into the admin; the group's permissions are all they get there.
        group = moderators_group()
        for user in queryset:
            user.groups.add(group)
        count = queryset.update(is_staff=True)
        self.message_user(request, f"{count} user(s) can now hide papers and comments.", messages.SUCCESS)

    @admin.action(description="Remove the selected users from the moderators", permissions=["change"])
    def remove_moderators(self, request, queryset):
        group = moderators_group()
        for user in queryset:
            user.groups.remove(group)
        # Staff status goes with it, except for superusers and members of other groups.
        count = queryset.filter(is_superuser=False, groups__isnull=True).update(is_staff=False)
        self.message_user(request, f"{count} user(s) are no longer moderators.", messages.SUCCESS)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "link", "created_by", "created_at", "expires_at", "used_at", "used_by")
    readonly_fields = ("link", "created_by", "used_at", "used_by")
    fields = ("note", "expires_at", "link", "created_by", "used_at", "used_by")

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timedelta(days=settings.INVITE_DAYS)}

    @admin.display(description="Invite link (send it to the person invited)")
    def link(self, invite: Invite) -> str:
        if not invite.pk:
            return "shown once saved"
        return settings.BASE_URL + reverse("accounts_invite", args=[invite.token])

    def save_model(self, request, obj: Invite, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
