"""FastRepresentationMixin renders exactly what DRF's own Serializer.to_representation renders."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers

from core.representation import FastRepresentationMixin
from movies.models import Movie
from movies.selectors import with_genre_summaries
from movies.serializers import GenreSummarySerializer, MovieDetailSerializer, MovieSerializer, MovieSummarySerializer
from recommendations.serializers import PersonalRecommendationSerializer, RecommendedMovieSerializer
from reviews.serializers import ReviewSerializer
from tests.factories import MovieFactory, ReviewFactory


def drf_output(serializer_class: type[serializers.Serializer], instance: object) -> dict:
    """What DRF itself renders: its Serializer.to_representation over freshly built fields."""
    return serializers.Serializer.to_representation(serializer_class(), instance)


def fast_output(serializer_class: type[serializers.Serializer], instance: object) -> dict:
    return serializer_class(instance).data


@pytest.fixture
def movies(db) -> list[Movie]:
    full = MovieFactory(genres=["Drama", "Action"], poster_url="https://img.example/p.jpg", budget=10**12)
    bare = MovieFactory(release_date=None, runtime=None)
    ReviewFactory(movie=full, rating=4)
    return [Movie.objects.get(pk=full.pk), Movie.objects.get(pk=bare.pk)]


MOVIE_SERIALIZERS = [MovieSerializer, MovieDetailSerializer, MovieSummarySerializer, RecommendedMovieSerializer]


@pytest.mark.parametrize("serializer_class", MOVIE_SERIALIZERS)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/St_Johns"])
def test_movies_render_as_drf_renders_them(movies, serializer_class, zone):
    with timezone.override(zone):
        for movie in movies:
            assert fast_output(serializer_class, movie) == drf_output(serializer_class, movie)


def test_filled_genre_summaries_render_as_the_queried_ones(movies):
    queried = [fast_output(MovieSerializer, movie) for movie in movies]
    filled = [fast_output(MovieSerializer, movie) for movie in with_genre_summaries(Movie.objects.order_by("pk"))]
    assert filled == queried
    assert [genre["name"] for genre in queried[0]["genres"]] == ["Action", "Drama"]


def test_scores_and_reasons_render_as_drf_renders_them(movies):
    movie = movies[0]
    assert fast_output(RecommendedMovieSerializer, movie)["score"] is None  # no score: null, as DRF gives it
    movie.score = 3
    movie.reason = "because"
    for serializer_class in (RecommendedMovieSerializer, PersonalRecommendationSerializer):
        assert fast_output(serializer_class, movie) == drf_output(serializer_class, movie)
    assert fast_output(RecommendedMovieSerializer, movie)["score"] == 3.0


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_reviews_render_as_drf_renders_them(db, zone):
    review = ReviewFactory(body="Ünïcode \u2028 text")
    with timezone.override(zone):
        assert fast_output(ReviewSerializer, review) == drf_output(ReviewSerializer, review)


def test_mappings_render_as_drf_renders_them():
    row = {"id": 3, "name": "Drama", "slug": "drama"}
    assert fast_output(GenreSummarySerializer, row) == drf_output(GenreSummarySerializer, row) == row


class Edgy(FastRepresentationMixin, serializers.Serializer):
    when = serializers.DateTimeField()
    day = serializers.DateField()
    shouted = serializers.CharField(source="shout")
    owner_name = serializers.CharField(source="owner.name", allow_null=True)
    secret = serializers.CharField(write_only=True)
    custom = serializers.DateTimeField(format="%Y")


class Thing:
    def __init__(self, *, when, day, owner):
        self.when, self.day, self.owner = when, day, owner

    def shout(self) -> str:
        return "HEY"


@pytest.mark.parametrize(
    "when",
    [datetime.datetime(2024, 5, 1, 12, 30), datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC), "as text"],
)
def test_other_values_and_fields_go_through_drf(when):
    thing = Thing(when=when, day="1999", owner=None)
    thing.custom = when if isinstance(when, datetime.datetime) else None
    expected = drf_output(Edgy, thing)
    assert fast_output(Edgy, thing) == expected
    assert expected["shouted"] == "HEY" and expected["owner_name"] is None and "secret" not in expected


def test_method_fields_are_refused():
    class WithMethod(FastRepresentationMixin, serializers.Serializer):
        value = serializers.SerializerMethodField()

        def get_value(self, instance: object) -> int:
            return 1

    with pytest.raises(ImproperlyConfigured):
        fast_output(WithMethod, object())
