"""Operators read and delete lists here. Items and likes are kept by the lists services (positions 1..n, exact
counts), so they are read-only in the admin; members write them through the API."""

from django.contrib import admin

from lists.models import FilmList, ListItem, ListLike


class ListItemInline(admin.TabularInline):
    model = ListItem
    fields = ("position", "movie", "note", "created_at")
    readonly_fields = fields
    ordering = ("position", "id")
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("movie")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FilmList)
class FilmListAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "public", "ranked", "item_count", "like_count", "comment_count", "updated_at")
    list_filter = ("public", "ranked")
    search_fields = ("name", "description", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("item_count", "like_count", "comment_count", "created_at", "updated_at")
    date_hierarchy = "updated_at"
    inlines = [ListItemInline]


@admin.register(ListLike)
class ListLikeAdmin(admin.ModelAdmin):
    list_display = ("film_list", "user", "created_at")
    search_fields = ("film_list__name", "user__username")
    list_select_related = ("film_list", "user")
    raw_id_fields = ("user", "film_list")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
