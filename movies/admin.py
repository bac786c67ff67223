from django.contrib import admin

from core.caching import catalogue_changed
from movies.models import Genre, Movie


class CatalogueCacheAdminMixin:
    """Cached recommendation lists embed movies and genres: start a new cache generation after each write."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalogue_changed()


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
