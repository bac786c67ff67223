"""Operators read notifications here; members make and read them through the API."""

from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "recipient", "actor", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "actor__username")
    list_select_related = ("recipient", "actor")
    raw_id_fields = ("recipient", "actor", "review", "film_list", "comment")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
