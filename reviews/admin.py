from django import forms
from django.contrib import admin, messages
from django.db import transaction

from movies.ratings import MAX_RATING, MIN_RATING, RATING_STEP
from reviews import services
from reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("movie", "user", "rating", "hidden", "comment_count", "created_at")
    list_filter = ("hidden", "rating", "created_at")
    search_fields = ("movie__title", "user__username", "body")
    list_select_related = ("movie", "user")
    raw_id_fields = ("user", "movie")
    # Moderation goes through the actions below (reviews.services), never through the change form.
    readonly_fields = ("hidden",)
    actions = ["hide", "unhide"]

    @admin.action(description="Hide the selected reviews from public reads")
    def hide(self, request, queryset):
        changed = sum(
            services.review_hide(review=review) for review in queryset.select_related(None).only("pk", "hidden")
        )
        self.message_user(request, f"{changed} review(s) hidden.", messages.SUCCESS)

    @admin.action(description="Unhide the selected reviews")
    def unhide(self, request, queryset):
        changed = sum(
            services.review_unhide(review=review) for review in queryset.select_related(None).only("pk", "hidden")
        )
        self.message_user(request, f"{changed} review(s) shown again.", messages.SUCCESS)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rating":
            kwargs["widget"] = forms.NumberInput(attrs={"min": MIN_RATING, "max": MAX_RATING, "step": RATING_STEP})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Admin edits go through the same path as the API so movie aggregates stay exact.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            previous_movie_id = form.initial.get("movie")
            services.movie_reviews_changed({obj.movie_id, previous_movie_id} - {None})

    def delete_model(self, request, obj):
        services.review_delete(review=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        movie_ids = list(queryset.values_list("movie_id", flat=True))
        queryset.delete()
        services.movie_reviews_changed(movie_ids)
