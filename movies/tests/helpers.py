"""Small assertions and builders shared by the movies, reviews and recommendations tests."""

import datetime

from django.db import connection
from django.utils import timezone

from movies.models import Movie
from tests.factories import MovieFactory

ERROR_KEYS = {"status", "code", "detail"}


def assert_error(response, status_code: int, *, fields: tuple[str, ...] = (), code: str | None = None) -> dict:
    """The shared error body: {"status", "code", "detail", "errors"?}, naming each field in `fields`."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["status"] == status_code
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    for field in fields:
        assert field in body["errors"], body
        assert body["errors"][field], body
        assert field in body["detail"], body
    return body


def ids(response) -> list[int]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def set_movie_fields(movie: Movie, **fields) -> Movie:
    """Write fields the model never lets you write directly (auto_now_add, non-editable aggregates)."""
    Movie.objects.filter(pk=movie.pk).update(**fields)
    movie.refresh_from_db()
    return movie


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def film(title: str, reviews: int = 0, **fields) -> Movie:
    """A movie with a plain description (the factory's random words could match a search) and ``reviews``."""
    fields.setdefault("description", "A film.")
    return set_movie_fields(MovieFactory(title=title, **fields), review_count=reviews)
