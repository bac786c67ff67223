"""Operators read members' activity here; likes change counts, so they are read-only (members write them)."""

from django.contrib import admin

from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    list_display = ("movie", "user", "watched_on", "rewatch", "rating")
    list_filter = ("rewatch", "watched_on")
    search_fields = ("movie__title", "user__username")
    list_select_related = ("movie", "user")
    raw_id_fields = ("user", "movie", "review")
    date_hierarchy = "watched_on"


class MovieMarkAdmin(admin.ModelAdmin):
    list_display = ("movie", "user", "created_at")
    search_fields = ("movie__title", "user__username")
    list_select_related = ("movie", "user")
    raw_id_fields = ("user", "movie")


admin.site.register(WatchedMark, MovieMarkAdmin)
admin.site.register(WatchlistEntry, MovieMarkAdmin)
admin.site.register(Dismissal, MovieMarkAdmin)


@admin.register(MovieLike)
class MovieLikeAdmin(MovieMarkAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
