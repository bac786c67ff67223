from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import RejectUnknownFieldsMixin
from movies.models import Movie
from movies.selectors import movie_rating_distribution


class MovieSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Movie
        fields = [
            "id",
            "title",
            "description",
            "release_date",
            "runtime",
            "genre",
            "poster_url",
            "backdrop_url",
            "tmdb_id",
            "imdb_id",
            "movielens_id",
            "budget",
            "revenue",
            "avg_rating",
            "review_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["avg_rating", "review_count", "created_at", "updated_at"]

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Title cannot be blank.")
        return value.strip()


class MovieDetailSerializer(MovieSerializer):
    rating_distribution = serializers.SerializerMethodField()

    class Meta(MovieSerializer.Meta):
        fields = [*MovieSerializer.Meta.fields, "rating_distribution"]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Number of reviews per star, keyed '1' to '5'.",
            "additionalProperties": {"type": "integer"},
        }
    )
    def get_rating_distribution(self, movie: Movie) -> dict[str, int]:
        return movie_rating_distribution(movie)


class MovieSummarySerializer(serializers.ModelSerializer):
    """A compact movie for lists embedded in other responses."""

    class Meta:
        model = Movie
        fields = ["id", "title", "release_date", "genre", "poster_url", "avg_rating", "review_count"]
