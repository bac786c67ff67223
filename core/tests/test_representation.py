"""The hand-written representations must match what DRF would produce from the declared fields."""

import datetime
import json

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core.representation import iso_date, iso_datetime
from movies.serializers import GenreSummarySerializer, MovieDetailSerializer, MovieSerializer
from reviews.serializers import ReviewSerializer
from tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def as_json(data) -> dict:
    return json.loads(JSONRenderer().render(data))


def drf_generic(serializer, instance) -> dict:
    """What DRF's field-by-field machinery renders for the same serializer."""
    return as_json(serializers.ModelSerializer.to_representation(serializer, instance))


@pytest.fixture
def full_movie():
    movie = MovieFactory(
        title="Heat",
        description="Cops and robbers.",
        release_date=datetime.date(1995, 12, 15),
        runtime=170,
        poster_url="https://img.example/heat.jpg",
        backdrop_url="https://img.example/heat-bg.jpg",
        tmdb_id=949,
        imdb_id="tt0113277",
        movielens_id=6,
        budget=60_000_000,
        revenue=187_436_818,
        keywords=["heist", "los angeles"],
        cast=["Al Pacino", "Robert De Niro"],
        directors=["Michael Mann"],
        genres=["Crime", "Action"],
    )
    ReviewFactory(movie=movie, rating=5)
    ReviewFactory(movie=movie, rating=2)
    movie.refresh_from_db()
    return movie


@pytest.mark.parametrize("serializer_class", [MovieSerializer, MovieDetailSerializer])
def test_movie_representations_match_drf(full_movie, serializer_class):
    serializer = serializer_class(full_movie)
    assert as_json(serializer.data) == drf_generic(serializer, full_movie)


def test_sparse_movie_representation_matches_drf():
    movie = MovieFactory(release_date=None, runtime=None, description="")
    serializer = MovieDetailSerializer(movie)
    assert as_json(serializer.data) == drf_generic(serializer, movie)


def test_review_representation_matches_drf(full_movie):
    review = full_movie.reviews.select_related("user", "movie").first()
    serializer = ReviewSerializer(review)
    assert as_json(serializer.data) == drf_generic(serializer, review)


def test_genre_summary_matches_drf(full_movie):
    genre = full_movie.genres.first()
    serializer = GenreSummarySerializer(genre)
    assert serializer.data == drf_generic(serializer, genre)


def test_iso_helpers_render_like_drf(settings):
    moment = datetime.datetime(2024, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC)
    assert iso_datetime(moment) == serializers.DateTimeField().to_representation(moment)
    assert iso_datetime(moment) == "2024-03-01T12:30:05.123456Z"
    assert iso_datetime(None) is None
    assert iso_date(datetime.date(1999, 1, 2)) == "1999-01-02"
    assert iso_date(None) is None
    with timezone.override("Europe/Paris"):
        assert iso_datetime(moment) == serializers.DateTimeField().to_representation(moment)
        assert iso_datetime(moment).endswith("+01:00")


def test_movie_lists_load_all_genres_in_one_query(django_assert_num_queries):
    from movies.models import Movie

    MovieFactory.create_batch(4, genres=["Drama", "Crime"])
    movies = list(Movie.objects.all())

    with django_assert_num_queries(1):
        rows = MovieSerializer(movies, many=True).data

    assert all([g["name"] for g in row["genres"]] == ["Crime", "Drama"] for row in rows)


def test_recommended_and_summary_rows_match_drf(full_movie):
    from recommendations.serializers import RecommendedMovieSerializer

    full_movie.score = 4.25
    serializer = RecommendedMovieSerializer(full_movie)
    assert as_json(serializer.data) == drf_generic(serializer, full_movie)


def test_summaries_built_from_columns_are_the_serializers_rows(full_movie, django_assert_num_queries):
    from movies.serializers import MovieSummarySerializer, movie_summaries_by_id

    bare = MovieFactory(release_date=None, genres=[])

    with django_assert_num_queries(2):
        rows = movie_summaries_by_id([full_movie.pk, bare.pk, 10**9])

    assert set(rows) == {full_movie.pk, bare.pk}
    for movie in (full_movie, bare):
        serializer = MovieSummarySerializer(movie)
        assert rows[movie.pk] == serializer.data == drf_generic(serializer, movie)
