"""Accounts in the Django admin: a user's role inline, tokens (revoke only), the audit log
(read only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AccessToken, AuditEntry, Profile

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    verbose_name_plural = "role (superusers are admins whatever this says)"


class MamUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "role", "is_active", "is_superuser", "last_login"]

    @admin.display(description="role")
    def role(self, user: Any) -> str:
        from accounts.roles import role_of

        role = role_of(user)
        return role.value if role else "-"


admin.site.unregister(User)
admin.site.register(User, MamUserAdmin)


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [f.name for f in AccessToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made through the API, where the secret is shown once

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "client", "action", "asset_id"]
    list_filter = ["action", "client"]
    search_fields = ["actor_name", "client", "=asset_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
