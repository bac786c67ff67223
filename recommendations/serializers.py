from rest_framework import serializers

from movies.serializers import MovieSummarySerializer

MAX_LIMIT = 50


class RecommendedMovieSerializer(MovieSummarySerializer):
    score = serializers.FloatField(read_only=True, allow_null=True)

    class Meta(MovieSummarySerializer.Meta):
        fields = [*MovieSummarySerializer.Meta.fields, "score"]


class LimitQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class TrendingQuerySerializer(LimitQuerySerializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=7)


class DashboardSerializer(serializers.Serializer):
    top_rated = RecommendedMovieSerializer(many=True)
    trending = RecommendedMovieSerializer(many=True)
    most_reviewed = RecommendedMovieSerializer(many=True)
    recent = RecommendedMovieSerializer(many=True)
