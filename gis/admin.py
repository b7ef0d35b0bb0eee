"""The admin of the qala app: API tokens (revocable) and the personal data audit log (read-only)."""
from django.contrib import admin, messages

from gis.models import ApiToken, PersonalDataView


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are issued with `qala issue_api_token` (the key is shown once); here they are revoked."""

    list_display = ("name", "prefix", "organization", "channel", "user", "active", "created_at", "last_used_at",
                    "revoked_at")
    list_filter = ("active", "channel")
    search_fields = ("name", "prefix", "organization__name")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "organization", "channel", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("organization", "user")
    raw_id_fields = ("organization", "user")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # the key would have to be shown; `qala issue_api_token` does that once

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(active=True))
        for token in tokens:
            token.revoke()
        self.message_user(request, f"{len(tokens)} token(s) revoked; they stop working on their next request.",
                          messages.SUCCESS)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes to the log anyway."""

    list_display = ("at", "user", "layer", "object_ids", "path", "api_token", "client_ip")
    list_filter = ("layer",)
    search_fields = ("user__username", "path")
    date_hierarchy = "at"
    list_select_related = ("user",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
