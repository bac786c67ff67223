from django.db import models, transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.filters import BIGINT_MAX
from core.prepared import PreparedQuery
from core.representation import iso_date, iso_datetime
from core.serializers import RejectUnknownFieldsMixin
from movies.models import Genre, Movie
from movies.selectors import genre_summaries_by_movie, movie_rating_distribution
from movies.services import unique_genre_slug


class GenreSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["id", "name", "slug"]

    def to_representation(self, genre: Genre) -> dict:
        return genre_summary(genre)


def genre_summary(genre: Genre) -> dict:
    return {"id": genre.pk, "name": genre.name, "slug": genre.slug}


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


class MovieListSerializer(serializers.ListSerializer):
    """Loads the genres of every movie in the list with one query before rendering them."""

    def to_representation(self, data) -> list[dict]:
        movies = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        summaries = genre_summaries_by_movie(movie.pk for movie in movies)
        for movie in movies:
            movie.genre_summaries = summaries.get(movie.pk, [])
        return [self.child.to_representation(movie) for movie in movies]


def _genres_of(movie: Movie) -> list[dict]:
    summaries = getattr(movie, "genre_summaries", None)
    return summaries if summaries is not None else [genre_summary(genre) for genre in movie.genres.all()]


class MovieSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    genres = GenreSummarySerializer(many=True, read_only=True)
    genre_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        write_only=True,
        required=False,
        max_length=50,
        help_text="Ids of the movie's genres; replaces the current set.",
    )

    class Meta:
        model = Movie
        list_serializer_class = MovieListSerializer
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
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["avg_rating", "review_count", "created_at", "updated_at"]

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Title cannot be blank.")
        return value.strip()

    def to_representation(self, movie: Movie) -> dict:
        return {
            "id": movie.pk,
            "title": movie.title,
            "description": movie.description,
            "release_date": iso_date(movie.release_date),
            "runtime": movie.runtime,
            "genres": _genres_of(movie),
            "poster_url": movie.poster_url,
            "backdrop_url": movie.backdrop_url,
            "tmdb_id": movie.tmdb_id,
            "imdb_id": movie.imdb_id,
            "movielens_id": movie.movielens_id,
            "budget": movie.budget,
            "revenue": movie.revenue,
            "avg_rating": float(movie.avg_rating),
            "review_count": movie.review_count,
            "created_at": iso_datetime(movie.created_at),
            "updated_at": iso_datetime(movie.updated_at),
        }

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
    rating_distribution = serializers.SerializerMethodField()
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    cast = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Top-billed, in order.")
    directors = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(MovieSerializer.Meta):
        fields = [*MovieSerializer.Meta.fields, "keywords", "cast", "directors", "rating_distribution"]

    def to_representation(self, movie: Movie) -> dict:
        return {
            **super().to_representation(movie),
            "keywords": list(movie.keywords),
            "cast": list(movie.cast),
            "directors": list(movie.directors),
            "rating_distribution": movie_rating_distribution(movie),
        }

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

    genres = GenreSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Movie
        list_serializer_class = MovieListSerializer
        fields = ["id", "title", "release_date", "genres", "poster_url", "avg_rating", "review_count"]

    def to_representation(self, movie: Movie) -> dict:
        return movie_summary([getattr(movie, column) for column in MOVIE_SUMMARY_COLUMNS], genres=_genres_of(movie))


# The columns a MovieSummarySerializer row is made of, in movie_summary's order.
MOVIE_SUMMARY_COLUMNS = ("pk", "title", "release_date", "poster_url", "avg_rating", "review_count")


def movie_summary(columns, *, genres: list[dict]) -> dict:
    """A MovieSummarySerializer row from MOVIE_SUMMARY_COLUMNS' values (model attributes or a values_list row)."""
    pk, title, release_date, poster_url, avg_rating, review_count = columns
    return {
        "id": pk,
        "title": title,
        "release_date": iso_date(release_date),
        "genres": genres,
        "poster_url": poster_url,
        "avg_rating": float(avg_rating),
        "review_count": review_count,
    }


def movie_summaries_by_id(movie_ids: list[int]) -> dict[int, dict]:
    """{movie id: MovieSummarySerializer row} for the movies that exist, from two column queries (no model
    instances)."""
    if not movie_ids:
        return {}
    genres = genre_summaries_by_movie(movie_ids)
    rows = _summary_rows.rows(movie_ids=list(movie_ids))
    return {row[0]: movie_summary(row, genres=genres.get(row[0], [])) for row in rows}


_summary_rows = PreparedQuery(
    lambda movie_ids: Movie.objects.filter(pk__in=movie_ids).order_by().values_list(*MOVIE_SUMMARY_COLUMNS),
    movie_ids=[-7_301_400],
)


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
