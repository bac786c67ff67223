"""A film deleted anywhere leaves every list that held it numbered 1..n with an exact item_count."""

import pytest

from lists.models import FilmList
from lists.tests.utils import assert_consistent, make_list, movie_order
from movies.models import Movie
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def films():
    return MovieFactory.create_batch(5)


def test_deleting_a_film_closes_its_gap_in_every_list(user, other_user, films):
    first, middle, last = films[0], films[2], films[4]
    lists = [
        make_list(user, films, name="All"),
        make_list(other_user, [middle, films[1]], name="Starts with it"),
        make_list(user, [films[1], films[3], middle], name="Ends with it", public=False),
        make_list(other_user, [first, last], name="Without it"),
    ]

    middle.delete()

    assert movie_order(lists[0]) == [films[i].pk for i in (0, 1, 3, 4)]
    assert movie_order(lists[1]) == [films[1].pk]
    assert movie_order(lists[2]) == [films[1].pk, films[3].pk]
    assert movie_order(lists[3]) == [first.pk, last.pk]
    for film_list in lists:
        assert_consistent(film_list)


def test_deleting_several_films_at_once_as_the_admin_action_does(user, films):
    film_list = make_list(user, films)
    other = make_list(UserFactory(), [films[3], films[0]])

    Movie.objects.filter(pk__in=[films[0].pk, films[3].pk]).delete()

    assert movie_order(film_list) == [films[i].pk for i in (1, 2, 4)]
    assert movie_order(other) == []
    assert_consistent(film_list)
    assert_consistent(other)


def test_a_deleted_film_leaves_the_lists_updated_at_alone(user, films):
    film_list = make_list(user, films)
    updated_at = FilmList.objects.get(pk=film_list.pk).updated_at

    films[0].delete()

    assert FilmList.objects.get(pk=film_list.pk).updated_at == updated_at
