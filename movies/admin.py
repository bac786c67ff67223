from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from core.caching import catalogue_changed
from movies.models import Genre, Movie


class CatalogueCacheAdminMixin(admin.ModelAdmin):
    """Cached recommendation lists embed movies and genres: start a new cache generation after each write."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        catalogue_changed()


@admin.register(Genre)
class GenreAdmin(CatalogueCacheAdminMixin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Movie)
class MovieAdmin(CatalogueCacheAdminMixin):
    list_display = ("title", "release_date", "avg_rating", "review_count", "created_at")
    list_filter = ("genres", "release_date", "created_at")
    filter_horizontal = ("genres",)
    search_fields = ("title", "description", "imdb_id")
    readonly_fields = ("avg_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"
