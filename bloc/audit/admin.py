from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bloc.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is changed by no one, through no screen."""

    list_display = ["seq", "at", "action", "actor", "subject"]
    list_filter = ["action"]
    search_fields = ["action", "actor", "subject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
