from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from imports.management.commands.seed_demo import DEMO_MOVIES, DEMO_USER_PASSWORD, DEMO_USERNAMES
from movies.models import Genre, Movie
from movies.ratings import no_ratings, rating_key
from reviews.models import Review

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_fills_every_page_and_prints_the_admin_login(api_client):
    output = seed()

    assert Movie.objects.count() == len(DEMO_MOVIES)
    assert Genre.objects.filter(name="Sci-Fi").get().movies.count() >= 3
    assert Review.objects.count() == len(DEMO_USERNAMES) * 12
    assert "Admin login: admin / flixreview-admin" in output
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("flixreview-admin")
    assert get_user_model().objects.get(username="ada").check_password(DEMO_USER_PASSWORD)
    for path in ("/api/movies/", "/api/reviews/", "/api/genres/", "/api/recommendations/trending/"):
        assert api_client.get(path).json()


def test_seed_demo_aggregates_match_the_reviews():
    seed()
    for movie in Movie.objects.all():
        ratings = list(movie.reviews.values_list("rating", flat=True))
        assert movie.review_count == len(ratings)
        assert movie.avg_rating == pytest.approx(sum(ratings) / len(ratings) if ratings else 0)
        assert movie.rating_distribution == {**no_ratings(), **Counter(rating_key(rating) for rating in ratings)}
    assert Review.objects.filter(rating__in=[2.5, 3.5, 4.5]).exists()  # some half stars


def test_seed_demo_is_idempotent():
    seed()
    counts = (Movie.objects.count(), Review.objects.count(), Genre.objects.count(), get_user_model().objects.count())

    output = seed()

    assert "0 new reviews" in output
    assert counts == (
        Movie.objects.count(),
        Review.objects.count(),
        Genre.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_demo_takes_admin_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "boss")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-pass")

    output = seed()

    assert "Admin login: boss / s3cret-pass" in output
    assert get_user_model().objects.get(username="boss").check_password("s3cret-pass")
