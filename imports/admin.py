"""Operators follow members' history imports here (read-only: jobs are written by the import itself)."""

from django.contrib import admin
from django.http import HttpRequest

from imports.models import ExternalKey, ImportJob, UnmatchedRow


class UnmatchedRowInline(admin.TabularInline):
    model = UnmatchedRow
    fields = ("file", "line", "fact", "status", "title", "year", "key", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "source", "status", "progress", "imported", "unmatched", "skipped", "created_at")
    list_filter = ("status", "source")
    search_fields = ("user__username", "file_name")
    list_select_related = ("user",)
    exclude = ("data",)
    readonly_fields = [field.name for field in ImportJob._meta.fields if field.name != "data"]
    inlines = [UnmatchedRowInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False


@admin.register(ExternalKey)
class ExternalKeyAdmin(admin.ModelAdmin):
    list_display = ("source", "key", "movie", "created_at")
    list_filter = ("source",)
    search_fields = ("key", "movie__title")
    list_select_related = ("movie",)
    raw_id_fields = ("movie",)
