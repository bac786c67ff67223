"""A movie or genre written anywhere (not only through the API or the admin) starts a new cache generation."""

import pytest

from core.caching import current_generation
from tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "write",
    [
        lambda movie, genre: MovieFactory(),
        lambda movie, genre: movie.save(),
        lambda movie, genre: movie.delete(),
        lambda movie, genre: movie.genres.add(genre),
        lambda movie, genre: genre.save(),
        lambda movie, genre: genre.delete(),
    ],
    ids=["movie created", "movie saved", "movie deleted", "genres changed", "genre saved", "genre deleted"],
)
def test_every_catalogue_write_moves_the_generation_on_commit(write, django_capture_on_commit_callbacks):
    movie, genre = MovieFactory(), GenreFactory()
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        write(movie, genre)
    assert current_generation() == before  # not before the commit

    for callback in callbacks:
        callback()
    assert current_generation() > before


def test_reading_moves_nothing(django_capture_on_commit_callbacks):
    movie = MovieFactory(genres=["Drama"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        list(movie.genres.all())
    assert callbacks == []
