from django.db.models import QuerySet

from reviews.models import Review

# What a review row shows: its own fields, the author's username and the movie's title. Loading only
# these keeps list pages from decoding every column of two joined tables.
REVIEW_ROW_FIELDS = ("id", "rating", "body", "like_count", "created_at", "updated_at", "user_id", "movie_id")


def review_list() -> QuerySet:
    return Review.objects.select_related("user", "movie").only(*REVIEW_ROW_FIELDS, "user__username", "movie__title")
