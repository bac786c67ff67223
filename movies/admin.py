from django.contrib import admin
from django.db import transaction

from movies.models import Movie
from recommendations.caching import bump_generation


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ("title", "release_date", "genre", "avg_rating", "review_count", "created_at")
    list_filter = ("release_date", "created_at")
    search_fields = ("title", "description", "genre", "imdb_id")
    readonly_fields = ("avg_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"

    # Cached recommendation lists embed movies: start a new cache generation after every catalogue write.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(bump_generation)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_generation)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(bump_generation)
