import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.prepared import PreparedQuery
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_model_rows_come_back_as_the_queryset_gives_them():
    user = UserFactory(last_login=timezone.now() - datetime.timedelta(days=3), bio="Likes noir")
    UserFactory()
    by_id = PreparedQuery(lambda pk: User.objects.filter(pk=pk)[:1], pk=-1)

    found = by_id.first(User, pk=user.pk)

    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.last_login.tzinfo is not None  # converted like the ORM does, not a raw string
    assert found._state.adding is False
    assert by_id.first(User, pk=10**9) is None


def test_values_rows_follow_new_values_and_keep_the_querysets_constants():
    movie = MovieFactory()
    low, high = ReviewFactory(movie=movie, rating=2), ReviewFactory(movie=movie, rating=5)
    other = ReviewFactory(rating=5)
    ratings = PreparedQuery(
        lambda movie_id: Review.objects.filter(movie_id=movie_id, rating__gte=3).values_list("user_id", "rating"),
        movie_id=-1,
    )

    assert ratings.rows(movie_id=movie.pk) == [[high.user_id, 5]]
    assert ratings.rows(movie_id=other.movie_id) == [[other.user_id, 5]]
    assert low.rating == 2


def test_datetime_columns_are_converted():
    review = ReviewFactory()
    created = PreparedQuery(lambda pk: Review.objects.filter(pk=pk).values_list("created_at"), pk=-1)
    assert created.rows(pk=review.pk) == [[Review.objects.get(pk=review.pk).created_at]]


def test_a_placeholder_that_is_not_a_parameter_is_refused():
    # The query ignores the value, so there is nothing to substitute: the mistake is reported, not hidden.
    broken = PreparedQuery(lambda pk: User.objects.all(), pk=-1)
    with pytest.raises(ValueError, match="placeholder"):
        broken.rows(pk=1)


def test_select_related_is_refused():
    joined = PreparedQuery(lambda pk: Review.objects.select_related("movie").filter(pk=pk), pk=-1)
    with pytest.raises(ValueError, match="select_related"):
        joined.rows(pk=1)


def test_list_values_are_compiled_once_per_length():
    movies = MovieFactory.create_batch(4)
    titles = PreparedQuery(
        lambda ids: MovieFactory._meta.model.objects.filter(pk__in=ids).order_by("pk").values_list("title"),
        ids=[-1],
    )

    assert titles.rows(ids=[movies[0].pk]) == [[movies[0].title]]
    assert titles.rows(ids=[movies[3].pk, movies[1].pk]) == [[movies[1].title], [movies[3].title]]
    assert titles.rows(ids=[movies[2].pk]) == [[movies[2].title]]
    assert titles.rows(ids=[10**9, movies[0].pk, 10**9 + 1]) == [[movies[0].title]]
    assert sorted(titles._local.compiled) == [(("ids", 1),), (("ids", 2),), (("ids", 3),)]
