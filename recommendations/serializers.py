from rest_framework import serializers

from activity.serializers import VIEWER_HELP, ViewerSerializer
from movies.ratings import RatingDistributionField
from movies.serializers import MovieSummarySerializer
from recommendations.selectors.common import MAX_LIST_LENGTH
from recommendations.selectors.popular import TRENDING_DAYS

MAX_LIMIT = MAX_LIST_LENGTH


class RecommendedMovieSerializer(MovieSummarySerializer):
    score = serializers.FloatField(read_only=True, allow_null=True)
    viewer = ViewerSerializer(required=False, help_text=VIEWER_HELP)  # response-only: absent for anonymous callers

    class Meta(MovieSummarySerializer.Meta):
        fields = [*MovieSummarySerializer.Meta.fields, "score", "viewer"]


class LimitQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class TrendingQuerySerializer(LimitQuerySerializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=TRENDING_DAYS)


class DashboardSerializer(serializers.Serializer):
    top_rated = RecommendedMovieSerializer(many=True)
    trending = RecommendedMovieSerializer(many=True)
    most_reviewed = RecommendedMovieSerializer(many=True)
    recent = RecommendedMovieSerializer(many=True)


class PersonalRecommendationSerializer(RecommendedMovieSerializer):
    reason = serializers.CharField(
        read_only=True,
        help_text='Why it is listed: "because you liked <titles>", "popular in <genre>" or "popular with everyone".',
    )

    class Meta(RecommendedMovieSerializer.Meta):
        fields = [*RecommendedMovieSerializer.Meta.fields, "reason"]


class TasteGenreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    count = serializers.IntegerField(help_text="Your 4- and 5-star reviews of movies in this genre.")


class TastePersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField(help_text="Your reviews of their movies rated 4 or more.")


class TasteDecadeSerializer(serializers.Serializer):
    decade = serializers.IntegerField(help_text="First year of the decade, e.g. 1990.")
    count = serializers.IntegerField(help_text="Films of the decade you reviewed, liked, logged or marked watched.")
    average_rating = serializers.FloatField(allow_null=True, help_text="Of those you reviewed; null if none.")


class TasteActivitySerializer(serializers.Serializer):
    total_reviews = serializers.IntegerField()
    last_review_at = serializers.DateTimeField(allow_null=True)
    reviews_this_month = serializers.IntegerField(help_text="Since the first of the current month (UTC).")


class TasteProfileSerializer(serializers.Serializer):
    favourite_genres = TasteGenreSerializer(many=True)
    favourite_directors = TastePersonSerializer(many=True)
    favourite_actors = TastePersonSerializer(many=True)
    average_rating_given = serializers.FloatField(allow_null=True)
    community_average_rating = serializers.FloatField(allow_null=True, help_text="Mean of every review on the site.")
    community_average_for_same_movies = serializers.FloatField(
        allow_null=True, help_text="Mean rating, by everyone, of the movies you reviewed."
    )
    rating_distribution = RatingDistributionField(
        help_text="Your reviews per rating, keyed '0.5', '1', '1.5' ... '5', lowest first."
    )
    decades = TasteDecadeSerializer(many=True)
    activity = TasteActivitySerializer()
