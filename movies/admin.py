from django.contrib import admin
from django.db import transaction

from core.caching import bump_generation
from movies.models import Genre, Movie


class CatalogueCacheAdminMixin:
    """Cached recommendation lists embed movies and genres: start a new cache generation after each write."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(bump_generation)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_generation)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(bump_generation)


@admin.register(Genre)
class GenreAdmin(CatalogueCacheAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Movie)
class MovieAdmin(CatalogueCacheAdminMixin, admin.ModelAdmin):
    list_display = ("title", "release_date", "avg_rating", "review_count", "created_at")
    list_filter = ("genres", "release_date", "created_at")
    filter_horizontal = ("genres",)
    search_fields = ("title", "description", "imdb_id")
    readonly_fields = ("avg_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"
