"""A like, a comment or a list item written about a review or list that its owner deletes at the same moment:
refused with a 404, or deleted along with it; never a row left pointing at nothing (an IntegrityError, a 500).

The load benchmark with writers (scripts/bench_writes.py) found this: a like of a review its author was deleting
answered 500."""

import logging
import threading
import time

import pytest
from django.db import connection, transaction
from django.http import Http404

from comments.models import Comment
from comments.services import comment_create
from conftest import authenticated_client
from lists import services as list_services
from lists.models import FilmList, ListItem, ListLike
from lists.tests.utils import make_list
from reviews import services as review_services
from reviews.models import Review, ReviewLike
from tests.factories import MovieFactory, ReviewFactory, UserFactory
from web.films import social

WAIT_SECONDS = 30
STILL_WAITING_AFTER = 0.5


def stale_copy(instance):
    """The row as a request read it, then deleted by someone else before the request writes."""
    copy = type(instance).objects.get(pk=instance.pk)
    type(instance).objects.filter(pk=instance.pk).delete()
    return copy


@pytest.mark.django_db
def test_liking_a_review_deleted_after_it_was_read_is_a_404_and_writes_nothing():
    review = stale_copy(ReviewFactory())

    with pytest.raises(Http404):
        review_services.review_like(user=UserFactory(), review=review)

    assert not ReviewLike.objects.exists()


@pytest.mark.django_db
def test_commenting_on_a_review_deleted_after_it_was_read_is_a_404_and_writes_nothing():
    review = stale_copy(ReviewFactory())

    with pytest.raises(Http404):
        comment_create(author=UserFactory(), body="Late to the party", review=review)

    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_liking_or_commenting_on_a_list_deleted_after_it_was_read_is_a_404_and_writes_nothing():
    film_list = stale_copy(make_list(UserFactory()))

    with pytest.raises(Http404):
        list_services.list_like(user=UserFactory(), film_list=film_list)
    with pytest.raises(Http404):
        comment_create(author=UserFactory(), body="Late to the party", film_list=film_list)

    assert not ListLike.objects.exists()
    assert not Comment.objects.exists()


def run_while_held(write, delete) -> None:
    """Run ``write`` in a transaction held open, start ``delete`` in another thread and check that it waits for the
    write's lock; then commit the write and let the delete finish. Errors of either thread fail the test."""
    written, commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            with transaction.atomic():
                write()
                written.set()
                commit.wait(WAIT_SECONDS)
        except BaseException as error:
            errors.append(error)
            written.set()
        finally:
            connection.close()

    def deleter():
        try:
            delete()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    writing = threading.Thread(target=writer)
    writing.start()
    assert written.wait(WAIT_SECONDS)
    deleting = threading.Thread(target=deleter)
    deleting.start()
    time.sleep(STILL_WAITING_AFTER)
    waited = deleting.is_alive()
    commit.set()
    writing.join(WAIT_SECONDS)
    deleting.join(WAIT_SECONDS)
    assert not errors, errors
    assert waited, "the delete did not wait for the write under way"


def assert_nothing_failed_after_commit(caplog) -> None:
    # The notification made once the write has committed must not deadlock with the deletion either (it is logged,
    # not raised, so the log is where it shows).
    assert not [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def postgres_only(test):
    for mark in (
        pytest.mark.postgres,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    ):
        test = mark(test)
    return test


@postgres_only
@pytest.mark.parametrize("what", ["like", "comment"])
def test_a_review_deleted_while_a_like_or_comment_is_written_takes_it_along(what, caplog):
    review, member = ReviewFactory(), UserFactory()

    def write():
        if what == "like":
            review_services.review_like(user=member, review=review)
        else:
            comment_create(author=member, body="Seen it twice", review=review)

    run_while_held(write, lambda: review_services.review_delete(review=Review.objects.get(pk=review.pk)))

    assert not Review.objects.exists()
    assert not ReviewLike.objects.exists()
    assert not Comment.objects.exists()
    assert_nothing_failed_after_commit(caplog)


@postgres_only
@pytest.mark.parametrize("what", ["like", "comment", "item"])
def test_a_list_deleted_while_a_like_comment_or_item_is_written_takes_it_along(what, caplog):
    film_list, member, movie = make_list(UserFactory(), MovieFactory.create_batch(2)), UserFactory(), MovieFactory()

    def write():
        if what == "like":
            list_services.list_like(user=member, film_list=film_list)
        elif what == "comment":
            comment_create(author=member, body="Add the sequel", film_list=film_list)
        else:
            list_services.item_add(film_list=film_list, movie=movie)

    run_while_held(write, lambda: list_services.list_delete(film_list=FilmList.objects.get(pk=film_list.pk)))

    assert not FilmList.objects.exists()
    assert not ListLike.objects.exists()
    assert not Comment.objects.exists()
    assert not ListItem.objects.exists()
    assert_nothing_failed_after_commit(caplog)


def deleted_once_written(monkeypatch, module, name: str, delete) -> None:
    """``module.name`` does its write, then the owner deletes what it was about before the request reads it back."""
    write = getattr(module, name)

    def write_then_deleted(**kwargs):
        result = write(**kwargs)
        delete()
        return result

    monkeypatch.setattr(module, name, write_then_deleted)


@pytest.mark.django_db
def test_a_review_deleted_the_moment_a_like_committed_is_a_404(monkeypatch):
    review, liker = ReviewFactory(), UserFactory()
    delete = lambda: review_services.review_delete(review=Review.objects.get(pk=review.pk))  # noqa: E731
    deleted_once_written(monkeypatch, review_services, "review_like", delete)

    assert authenticated_client(liker).put(f"/api/reviews/{review.pk}/like/").status_code == 404


@pytest.mark.django_db
def test_a_list_deleted_the_moment_a_like_committed_is_a_404(monkeypatch):
    film_list, liker = make_list(UserFactory()), UserFactory()
    delete = lambda: list_services.list_delete(film_list=FilmList.objects.get(pk=film_list.pk))  # noqa: E731
    deleted_once_written(monkeypatch, list_services, "list_like", delete)

    assert authenticated_client(liker).put(f"/api/lists/{film_list.pk}/like/").status_code == 404


@pytest.mark.django_db
def test_on_the_site_a_review_deleted_the_moment_a_like_committed_is_a_404(monkeypatch, client):
    review, member = ReviewFactory(), UserFactory()
    client.force_login(member)
    delete = lambda: review_services.review_delete(review=Review.objects.get(pk=review.pk))  # noqa: E731
    deleted_once_written(monkeypatch, social, "review_like", delete)

    response = client.post(f"/reviews/{review.pk}/like/", {"on": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 404
