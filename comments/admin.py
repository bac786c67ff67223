from django.contrib import admin, messages
from django.db import transaction

from comments import services
from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderation: hide and unhide through the actions (comments.services keeps the counts exact). Comments are
    written through the API only; deleting here goes through the same service."""

    list_display = ("__str__", "author", "review", "film_list", "hidden", "created_at")
    list_filter = ("hidden", "created_at")
    search_fields = ("body", "author__username")
    list_select_related = ("author", "review__movie", "review__user", "film_list")
    readonly_fields = ("author", "review", "film_list", "hidden", "edited_at", "created_at", "updated_at")
    actions = ["hide", "unhide"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Hide the selected comments from public reads")
    def hide(self, request, queryset):
        changed = sum(services.comment_hide(comment=comment) for comment in queryset)
        self.message_user(request, f"{changed} comment(s) hidden.", messages.SUCCESS)

    @admin.action(description="Unhide the selected comments")
    def unhide(self, request, queryset):
        changed = sum(services.comment_unhide(comment=comment) for comment in queryset)
        self.message_user(request, f"{changed} comment(s) shown again.", messages.SUCCESS)

    def delete_model(self, request, obj):
        services.comment_delete(comment=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.comment_delete(comment=comment)
