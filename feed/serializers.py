"""The feed's items: who did what when, with a compact form of the object it is about under the key its kind
names (the other three keys are null)."""

from rest_framework import serializers

from activity.models import DiaryEntry
from core.representation import FastRepresentationMixin
from feed.models import Event
from lists.models import FilmList
from movies.models import Movie
from movies.ratings import RatingField
from reviews.models import Review, ReviewLike


class FeedMovieSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = ["id", "title", "release_date", "poster_url"]


class FeedReviewSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    movie = FeedMovieSerializer()
    rating = RatingField()
    body_excerpt = serializers.CharField(help_text="The review's first 280 characters; an ellipsis marks a cut.")

    class Meta:
        model = Review
        fields = ["id", "movie", "rating", "body_excerpt"]


class FeedDiaryEntrySerializer(FastRepresentationMixin, serializers.ModelSerializer):
    movie = FeedMovieSerializer()
    rating = RatingField(allow_null=True)

    class Meta:
        model = DiaryEntry
        fields = ["id", "movie", "watched_on", "rating", "rewatch"]


class FeedListSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = FilmList
        fields = ["id", "name", "item_count"]


class FeedReviewLikeSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    review_id = serializers.IntegerField(help_text="The liked review.")
    author = serializers.CharField(source="review.user.username", help_text="Who wrote the liked review.")
    movie = FeedMovieSerializer(source="review.movie")

    class Meta:
        model = ReviewLike
        fields = ["review_id", "author", "movie"]


class FeedItemSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", help_text="The member who did it.")
    review = FeedReviewSerializer(allow_null=True, help_text="Set when kind is review.")
    diary_entry = FeedDiaryEntrySerializer(allow_null=True, help_text="Set when kind is diary_entry.")
    list = FeedListSerializer(source="film_list", allow_null=True, help_text="Set when kind is list.")
    review_like = FeedReviewLikeSerializer(allow_null=True, help_text="Set when kind is review_like.")

    class Meta:
        model = Event
        fields = ["id", "kind", "actor", "created_at", "review", "diary_entry", "list", "review_like"]
        read_only_fields = fields
