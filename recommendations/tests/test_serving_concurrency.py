"""Concurrent writers against PostgreSQL: each thread has its own connection and transaction."""

import threading
import time

import pytest
from django.db import connection

from recommendations import services
from recommendations.models import RecommenderState, SimilarMovie
from recommendations.tests.serving_helpers import make_world, space_movie
from reviews.tests.test_concurrency import BARRIER_TIMEOUT, run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_builds_started_together_run_once():
    make_world(fans=4)

    def build():
        try:
            return services.recommendations_build().version.pk
        except services.BuildInProgress:
            return None

    results = run_at_once([build, build])

    built = [result for result in results if result is not None]
    assert len(built) == 1
    assert RecommenderState.objects.get().active_version_id == built[0]


def test_movies_placed_at_once_leave_consistent_neighbour_lists(settings, monkeypatch):
    settings.RECOMMENDER_NEIGHBOURS = 4
    world = make_world(fans=4)
    version = services.recommendations_build().version
    # Both are Orbit Alpha again (TF-IDF ignores the unseen words), so both belong in its list.
    new = [space_movie(f"Orbit Alpha {word}") for word in ("Returns", "Forever")]  # in-test saves run no hook
    both_at_the_lock = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    lock, join = services._version_lock, services._join_neighbour_lists

    def lock_together(version):
        both_at_the_lock.wait()
        lock(version)

    def join_slowly(*args, **kwargs):
        time.sleep(0.3)  # without the lock, both would read the shared lists before either writes
        join(*args, **kwargs)

    monkeypatch.setattr(services, "_version_lock", lock_together)
    monkeypatch.setattr(services, "_join_neighbour_lists", join_slowly)

    placed = run_at_once([lambda movie=movie: services.movie_neighbours_refresh(movie.pk) for movie in new])

    assert placed == [4, 4]
    for movie_id in [*(movie.pk for movie in new), *(movie.pk for movie in world.space)]:
        rows = list(SimilarMovie.objects.filter(version=version, movie_id=movie_id).values_list("rank", "neighbour_id"))
        assert sorted(rank for rank, _ in rows) == list(range(len(rows)))
        assert len({neighbour for _, neighbour in rows}) == len(rows) and movie_id not in dict(rows).values()
    alpha = next(movie for movie in world.space if movie.title == "Orbit Alpha")
    alpha_list = SimilarMovie.objects.filter(version=version, movie=alpha).values_list("neighbour_id", flat=True)
    assert {movie.pk for movie in new} <= set(alpha_list)
