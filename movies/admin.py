from django.contrib import admin

from movies.models import Movie


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ("title", "release_date", "genre", "avg_rating", "review_count", "created_at")
    list_filter = ("release_date", "created_at")
    search_fields = ("title", "description", "genre", "imdb_id")
    readonly_fields = ("avg_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"
