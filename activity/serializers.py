import datetime

from rest_framework import serializers

from accounts.serializers import PublicProfileSerializer
from activity.models import DiaryEntry
from activity.selectors import user_today
from core.representation import FastRepresentationMixin
from core.serializers import RejectUnknownFieldsMixin
from movies.models import Movie
from movies.ratings import RatingField
from movies.serializers import MovieDetailSerializer, MovieSerializer, MovieSummarySerializer

FUTURE_DATE_MESSAGE = "A viewing cannot be logged later than tomorrow."


class DiaryEntrySerializer(FastRepresentationMixin, serializers.ModelSerializer):
    movie = MovieSummarySerializer(read_only=True)
    rating = RatingField(read_only=True, allow_null=True)

    class Meta:
        model = DiaryEntry
        fields = ["id", "movie", "watched_on", "rewatch", "rating", "review", "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {"review": {"help_text": "Your review of the film, when the entry carried a rating or text."}}


class _DiaryInputMixin(RejectUnknownFieldsMixin, serializers.Serializer):
    watched_on = serializers.DateField(required=False, help_text="Default: today in your time zone.")
    rewatch = serializers.BooleanField(required=False)
    rating = RatingField(required=False, allow_null=True, help_text="Also saved as your review's rating.")
    review_text = serializers.CharField(
        source="review_body",
        required=False,
        max_length=10000,
        allow_blank=True,
        help_text="Saved as your review of the film (with the entry's rating, or your review's current one).",
    )

    def validate_watched_on(self, value: datetime.date) -> datetime.date:
        if value > user_today(self.context["request"].user) + datetime.timedelta(days=1):
            raise serializers.ValidationError(FUTURE_DATE_MESSAGE, code="future")
        return value


class DiaryEntryCreateSerializer(_DiaryInputMixin):
    movie = serializers.PrimaryKeyRelatedField(queryset=Movie.objects.only("pk"))


class DiaryEntryUpdateSerializer(_DiaryInputMixin):
    pass


class WatchlistItemSerializer(FastRepresentationMixin, serializers.Serializer):
    movie = MovieSummarySerializer(read_only=True)
    added = serializers.DateTimeField(source="created_at", read_only=True)
    watched = serializers.BooleanField(read_only=True, help_text="Marked watched, logged or reviewed since.")


class MarkedMovieSerializer(FastRepresentationMixin, serializers.Serializer):
    movie = MovieSummarySerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class MarkSerializer(serializers.Serializer):
    movie = serializers.IntegerField(source="movie_id")
    created_at = serializers.DateTimeField()


class MemberStatsSerializer(serializers.Serializer):
    films_watched = serializers.IntegerField(help_text="Films marked watched, logged or reviewed.")
    films_this_year = serializers.IntegerField(allow_null=True, help_text="Films logged this year; null if private.")
    diary_entries = serializers.IntegerField(allow_null=True, help_text="Null when the diary is private.")
    reviews = serializers.IntegerField()
    likes = serializers.IntegerField(help_text="Films liked.")
    watchlist = serializers.IntegerField(allow_null=True, help_text="Null when the watchlist is private.")


class MemberProfileSerializer(PublicProfileSerializer):
    follower_count = serializers.IntegerField(read_only=True)
    following_count = serializers.IntegerField(read_only=True)
    followed = serializers.BooleanField(read_only=True, help_text="You follow them (always false when anonymous).")
    stats = MemberStatsSerializer(read_only=True)

    class Meta(PublicProfileSerializer.Meta):
        fields = [
            *PublicProfileSerializer.Meta.fields,
            "follower_count",
            "following_count",
            "followed",
            "diary_public",
            "watchlist_public",
            "stats",
        ]


class ViewerSerializer(serializers.Serializer):
    """What the logged-in viewer did with a film."""

    rating = RatingField(allow_null=True, help_text="Your review's rating, if you reviewed it.")
    watched = serializers.BooleanField(help_text="Marked watched, logged or reviewed.")
    in_watchlist = serializers.BooleanField()
    liked = serializers.BooleanField()
    dismissed = serializers.BooleanField(help_text='You said "not interested".')


VIEWER_HELP = "Only for a logged-in caller: what you did with the film."


class MovieWithViewerSerializer(MovieSerializer):
    viewer = ViewerSerializer(required=False, help_text=VIEWER_HELP)  # response-only: absent for anonymous callers

    class Meta(MovieSerializer.Meta):
        fields = [*MovieSerializer.Meta.fields, "viewer"]


class MovieDetailWithViewerSerializer(MovieDetailSerializer):
    viewer = ViewerSerializer(required=False, help_text=VIEWER_HELP)  # response-only: absent for anonymous callers

    class Meta(MovieDetailSerializer.Meta):
        fields = [*MovieDetailSerializer.Meta.fields, "viewer"]
