from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.filters import BIGINT_MAX
from core.origins import on_origin_of, origin
from core.representation import FastRepresentationMixin
from core.serializers import RejectUnknownFieldsMixin
from movies.models import Genre, Movie
from movies.ratings import RatingDistributionField
from movies.selectors import movie_summaries
from movies.services import unique_genre_slug


class GenreSummarySerializer(FastRepresentationMixin, serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["id", "name", "slug"]


class GenreSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=60,
        required=False,
        validators=[UniqueValidator(queryset=Genre.objects.all())],
        help_text="Generated from the name when omitted.",
    )
    movie_count = serializers.IntegerField(read_only=True)
    review_count = serializers.IntegerField(read_only=True)
    avg_rating = serializers.FloatField(read_only=True, allow_null=True, help_text="Mean rating of its rated movies.")

    class Meta:
        model = Genre
        fields = ["id", "name", "slug", "description", "created_at", "movie_count", "review_count", "avg_rating"]
        read_only_fields = ["created_at"]

    def validate_name(self, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise serializers.ValidationError("Name cannot be blank.")
        others = Genre.objects.filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"A genre named {name!r} already exists.")
        return name

    def create(self, validated_data: dict) -> Genre:
        if not validated_data.get("slug"):
            validated_data["slug"] = unique_genre_slug(validated_data["name"])
        return super().create(validated_data)


class MovieSerializer(FastRepresentationMixin, RejectUnknownFieldsMixin, serializers.ModelSerializer):
    genres = GenreSummarySerializer(source="genre_summaries", many=True, read_only=True)
    genre_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        write_only=True,
        required=False,
        max_length=50,
        help_text="Ids of the movie's genres; replaces the current set.",
    )

    class Meta:
        model = Movie
        fields = [
            "id",
            "title",
            "description",
            "release_date",
            "runtime",
            "genres",
            "genre_ids",
            "poster_url",
            "backdrop_url",
            "tmdb_id",
            "imdb_id",
            "movielens_id",
            "budget",
            "revenue",
            "avg_rating",
            "review_count",
            "like_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["avg_rating", "review_count", "like_count", "created_at", "updated_at"]

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Title cannot be blank.")
        return value.strip()

    def validate_poster_url(self, url: str) -> str:
        return self._on_image_host(url, "poster_url")

    def validate_backdrop_url(self, url: str) -> str:
        return self._on_image_host(url, "backdrop_url")

    def _on_image_host(self, url: str, field: str) -> str:
        """Image URLs name TMDB's image host (TMDB_IMAGE_BASE_URL) only, so that no page or client is sent to load
        an image from anywhere else; the URL a movie already has may be sent back unchanged."""
        if not url or url == getattr(self.instance, field, None) or on_origin_of(url, settings.TMDB_IMAGE_BASE_URL):
            return url
        scheme, host, _ = origin(settings.TMDB_IMAGE_BASE_URL)
        raise serializers.ValidationError(f"Images come from TMDB's image host, {scheme}://{host}.")

    def validate_genre_ids(self, ids: list[int]) -> list[int]:
        unique_ids = list(dict.fromkeys(ids))
        found = set(Genre.objects.filter(pk__in=unique_ids).values_list("pk", flat=True))
        unknown = [genre_id for genre_id in unique_ids if genre_id not in found]
        if unknown:
            raise serializers.ValidationError(f"Unknown genre ids: {', '.join(map(str, unknown))}.")
        return unique_ids

    @transaction.atomic
    def create(self, validated_data: dict) -> Movie:
        genre_ids = validated_data.pop("genre_ids", None)
        movie = super().create(validated_data)
        if genre_ids is not None:
            movie.genres.set(genre_ids)
        return movie

    @transaction.atomic
    def update(self, instance: Movie, validated_data: dict) -> Movie:
        genre_ids = validated_data.pop("genre_ids", None)
        movie = super().update(instance, validated_data)
        if genre_ids is not None:
            movie.genres.set(genre_ids)
        return movie


class MovieDetailSerializer(MovieSerializer):
    rating_distribution = RatingDistributionField(
        help_text="Number of reviews per rating, keyed '0.5', '1', '1.5' ... '5', lowest first."
    )
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    cast = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Top-billed, in order.")
    directors = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(MovieSerializer.Meta):
        fields = [*MovieSerializer.Meta.fields, "keywords", "cast", "directors", "rating_distribution"]


class MovieSummarySerializer(FastRepresentationMixin, serializers.ModelSerializer):
    """A compact movie for lists embedded in other responses."""

    genres = GenreSummarySerializer(source="genre_summaries", many=True, read_only=True)

    class Meta:
        model = Movie
        fields = ["id", "title", "release_date", "genres", "poster_url", "avg_rating", "review_count"]


def movie_summaries_by_id(movie_ids: list[int]) -> dict[int, dict]:
    """{movie id: MovieSummarySerializer row} for the movies among ``movie_ids`` that exist."""
    rows = MovieSummarySerializer(movie_summaries(movie_ids), many=True).data
    return {row["id"]: row for row in rows}


class PaginatedMoviesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MovieSerializer(many=True)


class GenreDetailSerializer(GenreSerializer):
    movies = serializers.SerializerMethodField()

    class Meta(GenreSerializer.Meta):
        fields = [*GenreSerializer.Meta.fields, "movies"]

    @extend_schema_field(PaginatedMoviesSerializer)
    def get_movies(self, genre: Genre) -> dict:
        return self.context["movies_page"]
