"""A list's items: adding, moving and removing keep the positions 1..n without gaps and item_count exact; a film is
in a list once; at most MAX_ITEMS; bad input and item ids of another list change nothing."""

import datetime

import pytest
from django.utils import timezone

from lists.models import MAX_ITEMS, FilmList, ListItem
from lists.tests.utils import (
    HUGE_ID,
    assert_consistent,
    item_url,
    items_url,
    list_url,
    make_list,
    movie_order,
    snapshot,
)
from movies.models import Movie
from movies.tests.helpers import assert_error
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def films(db) -> list[Movie]:
    return MovieFactory.create_batch(4)


@pytest.fixture
def film_list(user, films) -> FilmList:
    """The user's list of the first three films; the fourth is spare."""
    return make_list(user, films[:3])


def item_of(film_list: FilmList, movie: Movie) -> ListItem:
    return ListItem.objects.get(film_list=film_list, movie=movie)


def age(film_list: FilmList) -> None:
    FilmList.objects.filter(pk=film_list.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))


def was_just_updated(film_list: FilmList) -> bool:
    return FilmList.objects.get(pk=film_list.pk).updated_at > timezone.now() - datetime.timedelta(minutes=1)


class TestAdding:
    def test_a_film_goes_last_by_default_with_its_summary_and_note(self, user_client, film_list, films):
        films[3].genres.add(*MovieFactory(genres=["Drama"]).genres.all())
        age(film_list)

        response = user_client.post(items_url(film_list.pk), {"movie": films[3].pk, "note": "Rewatch"}, format="json")

        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == {"id", "position", "movie", "note", "created_at"}
        assert (body["position"], body["note"], body["movie"]["id"]) == (4, "Rewatch", films[3].pk)
        assert body["movie"]["title"] == films[3].title and [g["name"] for g in body["movie"]["genres"]] == ["Drama"]
        assert movie_order(film_list) == [film.pk for film in films]
        assert_consistent(film_list)
        assert was_just_updated(film_list)

    @pytest.mark.parametrize(("position", "order"), [(1, [3, 0, 1, 2]), (2, [0, 3, 1, 2]), (4, [0, 1, 2, 3])])
    def test_a_position_puts_it_there_and_moves_the_rest_down(self, user_client, film_list, films, position, order):
        response = user_client.post(items_url(film_list.pk), {"movie": films[3].pk, "position": position})

        assert response.status_code == 201 and response.json()["position"] == position
        assert movie_order(film_list) == [films[index].pk for index in order]
        assert_consistent(film_list)

    def test_the_first_film_of_an_empty_list(self, user, user_client, films):
        empty = make_list(user)

        assert user_client.post(items_url(empty.pk), {"movie": films[0].pk, "position": 1}).status_code == 201
        assert_consistent(empty)

    def test_a_film_already_in_the_list_is_400_with_its_own_code(self, user_client, film_list, films):
        before = snapshot()

        response = user_client.post(items_url(film_list.pk), {"movie": films[1].pk, "position": 1}, format="json")

        assert_error(response, 400, code="duplicate_movie")
        assert snapshot() == before

    def test_the_same_film_may_be_in_two_lists(self, user, user_client, film_list, films):
        other = make_list(user, name="Other")

        assert user_client.post(items_url(other.pk), {"movie": films[0].pk}).status_code == 201

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "movie"),
            ({"movie": None}, "movie"),
            ({"movie": 987654}, "movie"),
            ({"movie": HUGE_ID}, "movie"),
            ({"movie": "abc"}, "movie"),
            ({"movie": "SPARE", "position": 0}, "position"),
            ({"movie": "SPARE", "position": -1}, "position"),
            ({"movie": "SPARE", "position": 5}, "position"),  # Three films: 1..4 are the places.
            ({"movie": "SPARE", "position": MAX_ITEMS + 1}, "position"),
            ({"movie": "SPARE", "position": HUGE_ID}, "position"),
            ({"movie": "SPARE", "position": "abc"}, "position"),
            ({"movie": "SPARE", "position": None}, "position"),
            ({"movie": "SPARE", "position": 1.5}, "position"),
            ({"movie": "SPARE", "note": "x" * 1001}, "note"),
            ({"movie": "SPARE", "rank": 1}, "rank"),
        ],
    )
    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self, user_client, film_list, films, payload, field):
        payload = {key: films[3].pk if value == "SPARE" else value for key, value in payload.items()}
        age(film_list)
        before = snapshot()

        response = user_client.post(items_url(film_list.pk), payload, format="json")

        assert_error(response, 400, fields=(field,))
        assert snapshot() == before

    def test_a_full_list_takes_no_more(self, user, user_client, films):
        full = make_list(user)
        movies = Movie.objects.bulk_create(Movie(title=f"Bulk {index}") for index in range(MAX_ITEMS))
        ListItem.objects.bulk_create(
            ListItem(film_list=full, movie=movie, position=index) for index, movie in enumerate(movies, start=1)
        )
        FilmList.objects.filter(pk=full.pk).update(item_count=MAX_ITEMS)

        response = user_client.post(items_url(full.pk), {"movie": films[0].pk}, format="json")

        assert_error(response, 400, code="list_full")
        assert (
            FilmList.objects.get(pk=full.pk).item_count == MAX_ITEMS == ListItem.objects.filter(film_list=full).count()
        )
        # Making room lets the film in.
        last = ListItem.objects.get(film_list=full, position=MAX_ITEMS)
        assert user_client.delete(item_url(full.pk, last.pk)).status_code == 204
        assert user_client.post(items_url(full.pk), {"movie": films[0].pk}, format="json").status_code == 201
        assert FilmList.objects.get(pk=full.pk).item_count == MAX_ITEMS


class TestMoving:
    @pytest.mark.parametrize(
        ("start", "position", "order"),
        [(0, 3, [1, 2, 0]), (2, 1, [2, 0, 1]), (1, 2, [0, 1, 2]), (1, 3, [0, 2, 1]), (1, 1, [1, 0, 2])],
    )
    def test_moving_shifts_the_films_in_between(self, user_client, film_list, films, start, position, order):
        item = item_of(film_list, films[start])
        age(film_list)

        response = user_client.patch(item_url(film_list.pk, item.pk), {"position": position}, format="json")

        assert response.status_code == 200, response.content
        assert response.json()["position"] == position and response.json()["movie"]["id"] == films[start].pk
        assert movie_order(film_list) == [films[index].pk for index in order]
        assert_consistent(film_list)
        assert was_just_updated(film_list)

    def test_the_note_changes_and_the_place_stays(self, user_client, film_list, films):
        item = item_of(film_list, films[1])

        response = user_client.patch(item_url(film_list.pk, item.pk), {"note": "Better the second time"})

        assert response.json()["note"] == "Better the second time" and response.json()["position"] == 2
        assert item_of(film_list, films[1]).note == "Better the second time"
        assert movie_order(film_list) == [film.pk for film in films[:3]]

    @pytest.mark.parametrize("position", [0, -1, 4, "abc", HUGE_ID, None])
    def test_a_place_out_of_range_is_400_and_changes_nothing(self, user_client, film_list, films, position):
        item = item_of(film_list, films[0])
        before = snapshot()

        response = user_client.patch(item_url(film_list.pk, item.pk), {"position": position}, format="json")

        assert_error(response, 400, fields=("position",))
        assert snapshot() == before

    def test_the_movie_cannot_be_changed(self, user_client, film_list, films):
        item = item_of(film_list, films[0])

        assert_error(user_client.patch(item_url(film_list.pk, item.pk), {"movie": films[3].pk}), 400, fields=("movie",))
        assert movie_order(film_list) == [film.pk for film in films[:3]]


class TestRemoving:
    @pytest.mark.parametrize(("index", "left"), [(0, [1, 2]), (1, [0, 2]), (2, [0, 1])])
    def test_the_films_after_move_up(self, user_client, film_list, films, index, left):
        item = item_of(film_list, films[index])
        age(film_list)

        assert user_client.delete(item_url(film_list.pk, item.pk)).status_code == 204
        assert movie_order(film_list) == [films[i].pk for i in left]
        assert_consistent(film_list)
        assert was_just_updated(film_list)

    def test_a_second_delete_is_404(self, user_client, film_list, films):
        item = item_of(film_list, films[0])
        user_client.delete(item_url(film_list.pk, item.pk))

        assert_error(user_client.delete(item_url(film_list.pk, item.pk)), 404)
        assert_consistent(film_list)


class TestItemIdsOfAnotherList:
    """BOLA: an item is reached only through its own list."""

    @pytest.mark.parametrize("whose", ["mine", "theirs"])
    def test_an_item_of_another_list_is_404_and_untouched(self, user, other_user, user_client, film_list, whose):
        elsewhere = make_list(user if whose == "mine" else other_user, MovieFactory.create_batch(2), name="Else")
        foreign = ListItem.objects.filter(film_list=elsewhere).first()
        before = snapshot()

        for response in (
            user_client.patch(item_url(film_list.pk, foreign.pk), {"position": 2, "note": "x"}, format="json"),
            user_client.delete(item_url(film_list.pk, foreign.pk)),
        ):
            assert_error(response, 404, code="not_found")
        assert snapshot() == before

    @pytest.mark.parametrize("item_id", [HUGE_ID, "987654", "0"])
    def test_unknown_item_ids_are_404(self, user_client, film_list, item_id):
        before = snapshot()

        assert_error(user_client.patch(item_url(film_list.pk, item_id), {"note": "x"}, format="json"), 404)
        assert_error(user_client.delete(item_url(film_list.pk, item_id)), 404)
        assert snapshot() == before


class TestReadingItems:
    def test_items_come_in_order_with_their_films(self, api_client, user, films):
        film_list = make_list(user, [films[2], films[0], films[1]])

        response = api_client.get(items_url(film_list.pk))

        rows = response.json()["results"]
        assert [row["position"] for row in rows] == [1, 2, 3]
        assert [row["movie"]["id"] for row in rows] == [films[2].pk, films[0].pk, films[1].pk]

    def test_items_are_paginated(self, api_client, film_list):
        response = api_client.get(items_url(film_list.pk), {"page_size": 2, "page": 2})

        assert response.json()["count"] == 3 and [row["position"] for row in response.json()["results"]] == [3]

    def test_the_list_detail_counts_the_items(self, api_client, film_list):
        assert api_client.get(list_url(film_list.pk)).json()["item_count"] == 3
