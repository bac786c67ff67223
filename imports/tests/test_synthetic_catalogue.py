"""generate_synthetic_catalogue: the requested sizes, exact aggregates and movie content, on an empty database only."""

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from movies.models import Movie
from reviews.models import Review

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_synthetic_catalogue_has_the_requested_size_exact_ratings_and_content():
    output = run("generate_synthetic_catalogue", "--movies", "300", "--reviews", "3000", "--users", "150")

    assert "3,000 reviews" in output
    assert Movie.objects.count() == 300 and Review.objects.count() == 3000
    assert Review.objects.values("user_id", "movie_id").distinct().count() == 3000
    movie = Movie.objects.filter(review_count__gt=0).first()
    ratings = list(movie.reviews.values_list("rating", flat=True))
    assert movie.review_count == len(ratings) and movie.avg_rating == pytest.approx(np.mean(ratings))
    assert movie.description and movie.keywords and movie.cast and movie.directors and movie.genres.exists()
    assert Review.objects.order_by("-created_at").first().created_at <= Review.objects.latest("updated_at").updated_at

    with pytest.raises(CommandError, match="already here"):
        run("generate_synthetic_catalogue", "--movies", "10", "--reviews", "10", "--users", "10")
