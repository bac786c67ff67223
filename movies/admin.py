from django.contrib import admin

from movies.models import Genre, Movie


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ("title", "release_date", "avg_rating", "review_count", "created_at")
    list_filter = ("genres", "release_date", "created_at")
    filter_horizontal = ("genres",)
    search_fields = ("title", "description", "imdb_id")
    readonly_fields = ("avg_rating", "review_count", "created_at", "updated_at")
    date_hierarchy = "release_date"
