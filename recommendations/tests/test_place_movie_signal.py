"""A saved movie is placed among its neighbours after commit: in place without a broker, queued with one."""

import pytest
from celery.result import assert_will_not_block

from recommendations import signals
from recommendations.tasks import place_movie
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


def test_without_a_broker_the_movie_is_placed_in_place(monkeypatch, django_capture_on_commit_callbacks):
    placed = []
    monkeypatch.setattr(signals.place_movie, "run", placed.append)
    with django_capture_on_commit_callbacks(execute=True):
        movie = MovieFactory()
    assert placed == [movie.pk]
    assert_will_not_block()  # the eager path's process-wide flag was never touched


def test_with_a_broker_the_movie_is_queued(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setitem(place_movie.app.conf, "task_always_eager", False)
    monkeypatch.setattr(signals.place_movie, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        movie = MovieFactory()
    assert queued == [movie.pk]


def test_a_broker_outage_does_not_fail_the_save(monkeypatch, caplog, django_capture_on_commit_callbacks):
    def refuse(movie_id: int) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setitem(place_movie.app.conf, "task_always_eager", False)
    monkeypatch.setattr(signals.place_movie, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        movie = MovieFactory()
    assert movie.pk is not None
    assert "could not queue placing movie" in caplog.text
