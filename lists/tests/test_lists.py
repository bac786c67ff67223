"""/api/lists/ and /api/lists/{id}/: what a list shows, who reads which lists, search and ordering, likes, and bad
input (a clear 4xx and nothing written)."""

import datetime

import pytest
from django.utils import timezone

from lists.models import FilmList, ListLike
from lists.tests.utils import (
    HUGE_ID,
    LISTS_URL,
    add_like,
    item_url,
    items_url,
    like_url,
    list_url,
    make_list,
    result_ids,
    snapshot,
)
from movies.tests.helpers import assert_error
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "id",
    "owner",
    "name",
    "description",
    "ranked",
    "public",
    "item_count",
    "like_count",
    "comment_count",
    "liked",
    "created_at",
    "updated_at",
}


class TestCreate:
    def test_a_new_list_is_public_unranked_and_empty(self, user, user_client):
        response = user_client.post(LISTS_URL, {"name": "  Noir  ", "description": "Rain and smoke"}, format="json")

        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == LIST_FIELDS
        film_list = FilmList.objects.get()
        assert body["id"] == film_list.pk and film_list.owner == user
        assert (body["owner"], body["name"], body["description"]) == (user.username, "Noir", "Rain and smoke")
        assert (body["public"], body["ranked"], body["liked"]) == (True, False, False)
        assert (body["item_count"], body["like_count"], body["comment_count"]) == (0, 0, 0)

    def test_private_and_ranked_are_kept(self, user_client):
        response = user_client.post(LISTS_URL, {"name": "Top 10", "public": False, "ranked": True}, format="json")

        assert (response.json()["public"], response.json()["ranked"]) == (False, True)
        assert FilmList.objects.filter(public=False, ranked=True).count() == 1

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "name"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": None}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": "ok", "description": "x" * 5001}, "description"),
            ({"name": "ok", "public": "perhaps"}, "public"),
            ({"name": "ok", "ranked": []}, "ranked"),
            ({"name": "ok", "like_count": 7}, "like_count"),
            ({"name": "ok", "owner": "someone"}, "owner"),
            ({"name": "nul\x00byte"}, "name"),
        ],
    )
    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self, user_client, payload, field):
        response = user_client.post(LISTS_URL, payload, format="json")

        assert_error(response, 400, fields=(field,))
        assert not FilmList.objects.exists()

    def test_a_name_of_two_hundred_characters_is_fine(self, user_client):
        assert user_client.post(LISTS_URL, {"name": "x" * 200}, format="json").status_code == 201


class TestEdit:
    def test_the_owner_renames_describes_and_hides_a_list(self, user, user_client):
        film_list = make_list(user, name="Old")
        FilmList.objects.filter(pk=film_list.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))

        response = user_client.patch(
            list_url(film_list.pk), {"name": "New", "description": "Now described", "public": False}, format="json"
        )

        assert response.status_code == 200, response.content
        film_list.refresh_from_db()
        assert (film_list.name, film_list.description, film_list.public) == ("New", "Now described", False)
        assert response.json()["name"] == "New"
        assert film_list.updated_at > timezone.now() - datetime.timedelta(minutes=1)

    @pytest.mark.parametrize(
        ("payload", "field"),
        [({"name": ""}, "name"), ({"name": "x" * 201}, "name"), ({"item_count": 3}, "item_count")],
    )
    def test_bad_edits_are_400_and_change_nothing(self, user, user_client, payload, field):
        film_list = make_list(user)
        before = snapshot()

        assert_error(user_client.patch(list_url(film_list.pk), payload, format="json"), 400, fields=(field,))
        assert snapshot() == before

    def test_put_on_a_list_is_not_allowed(self, user, user_client):
        film_list = make_list(user)

        assert_error(user_client.put(list_url(film_list.pk), {"name": "x"}, format="json"), 405)

    def test_deleting_a_list_takes_its_items_and_likes(self, user, user_client, other_user):
        film_list = make_list(user, MovieFactory.create_batch(2))
        add_like(other_user, film_list)

        assert user_client.delete(list_url(film_list.pk)).status_code == 204
        assert snapshot() == {"lists": [], "items": [], "likes": []}


class TestReading:
    def test_anonymous_callers_must_name_a_member(self, api_client):
        assert_error(api_client.get(LISTS_URL), 400, fields=("user",))
        assert_error(api_client.get(LISTS_URL, {"user": ""}), 400, fields=("user",))

    def test_an_unknown_member_has_no_lists(self, api_client, user):
        make_list(user)

        response = api_client.get(LISTS_URL, {"user": "nobody-here"})

        assert response.status_code == 200 and response.json()["count"] == 0

    def test_a_members_lists_leave_out_others_and_their_private_ones(self, api_client, user, other_user):
        mine = make_list(user, name="Mine")
        make_list(user, name="Hidden", public=False)
        make_list(other_user, name="Theirs")

        assert result_ids(api_client.get(LISTS_URL, {"user": user.username})) == [mine.pk]

    def test_own_lists_leave_out_everyone_elses(self, user, user_client, other_user):
        hidden, mine = make_list(user, public=False), make_list(user)
        make_list(other_user)

        assert result_ids(user_client.get(LISTS_URL)) == [mine.pk, hidden.pk]

    def test_the_detail_shows_counts_and_whether_the_viewer_liked_it(self, user, other_user, other_client, api_client):
        film_list = make_list(user, MovieFactory.create_batch(3))
        add_like(other_user, film_list)

        mine = other_client.get(list_url(film_list.pk)).json()
        anonymous = api_client.get(list_url(film_list.pk)).json()

        assert (mine["item_count"], mine["like_count"], mine["liked"]) == (3, 1, True)
        assert anonymous["liked"] is False
        assert other_client.get(LISTS_URL, {"user": user.username}).json()["results"][0]["liked"] is True

    @pytest.mark.parametrize("list_id", [HUGE_ID, "987654", "0"])
    def test_unknown_and_huge_ids_are_404(self, user, user_client, list_id):
        make_list(user)
        before = snapshot()

        for response in (
            user_client.get(list_url(list_id)),
            user_client.patch(list_url(list_id), {"name": "x"}, format="json"),
            user_client.delete(list_url(list_id)),
            user_client.put(like_url(list_id)),
            user_client.delete(like_url(list_id)),
            user_client.get(items_url(list_id)),
            user_client.post(items_url(list_id), {"movie": MovieFactory().pk}, format="json"),
            user_client.patch(item_url(list_id, 1), {"note": "x"}, format="json"),
            user_client.delete(item_url(list_id, 1)),
        ):
            assert_error(response, 404, code="not_found")
        assert snapshot()["lists"] == before["lists"] and snapshot()["items"] == before["items"]

    def test_a_non_numeric_id_is_404(self, user_client):
        assert user_client.get(list_url("abc")).status_code == 404
        assert user_client.get(items_url("abc")).status_code == 404


class TestSearchAndOrdering:
    @pytest.fixture
    def three(self, user):
        now = timezone.now()
        lists = [
            make_list(user, name="Beta noir", description=""),
            make_list(user, name="Alpha", description="Mostly NOIR"),
            make_list(user, name="Gamma", description="Comedies"),
        ]
        for age, (film_list, likes) in enumerate(zip(lists, (1, 3, 2), strict=True)):
            FilmList.objects.filter(pk=film_list.pk).update(
                like_count=likes, updated_at=now - datetime.timedelta(hours=age)
            )
        return lists

    def test_search_looks_in_names_and_descriptions_regardless_of_case(self, user_client, three):
        assert sorted(result_ids(user_client.get(LISTS_URL, {"search": "noir"}))) == [three[0].pk, three[1].pk]

    @pytest.mark.parametrize(
        ("ordering", "order"),
        [
            (None, [0, 1, 2]),
            ("updated", [2, 1, 0]),
            ("-updated", [0, 1, 2]),
            ("-likes", [1, 2, 0]),
            ("likes", [0, 2, 1]),
            ("name", [1, 0, 2]),
            ("-name", [2, 0, 1]),
        ],
    )
    def test_ordering(self, user, user_client, three, ordering, order):
        params = {"ordering": ordering} if ordering else {}
        response = user_client.get(LISTS_URL, params)

        assert result_ids(response) == [three[index].pk for index in order]

    @pytest.mark.parametrize("ordering", ["created_at", "owner", "like_count", "-", "name;drop"])
    def test_an_unknown_ordering_is_400(self, user_client, three, ordering):
        assert_error(user_client.get(LISTS_URL, {"ordering": ordering}), 400, fields=("ordering",))

    def test_a_search_too_long_is_400(self, user_client):
        assert_error(user_client.get(LISTS_URL, {"search": "x" * 201}), 400, fields=("search",))


class TestLikes:
    def test_first_put_is_201_a_repeat_is_200_and_counts_once(self, user, other_user, other_client):
        film_list = make_list(user)

        first, second = other_client.put(like_url(film_list.pk)), other_client.put(like_url(film_list.pk))

        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json() == second.json() == {"list": film_list.pk, "like_count": 1}
        assert list(ListLike.objects.values_list("user_id", flat=True)) == [other_user.pk]

    def test_delete_takes_the_like_back_and_a_repeat_changes_nothing(self, user, other_client, admin_user):
        film_list = make_list(user)
        other_client.put(like_url(film_list.pk))
        add_like(admin_user, film_list)

        assert other_client.delete(like_url(film_list.pk)).status_code == 204
        assert other_client.delete(like_url(film_list.pk)).status_code == 204
        assert FilmList.objects.get(pk=film_list.pk).like_count == 1 == ListLike.objects.count()

    def test_liking_your_own_list_is_400(self, user, user_client):
        film_list = make_list(user)

        assert_error(user_client.put(like_url(film_list.pk)), 400, fields=("list",))
        assert FilmList.objects.get(pk=film_list.pk).like_count == 0 and not ListLike.objects.exists()

    def test_deleting_an_account_takes_its_likes_off_the_counts(self, user, other_user):
        liked = [make_list(user), make_list(user)]
        third = UserFactory()
        for film_list in liked:
            add_like(other_user, film_list)
            add_like(third, film_list)

        other_user.delete()

        assert sorted(FilmList.objects.values_list("like_count", flat=True)) == [1, 1]
        assert set(ListLike.objects.values_list("user_id", flat=True)) == {third.pk}


def test_a_deactivated_members_lists_disappear_from_every_read(api_client, user, other_client):
    film = MovieFactory()
    film_list = make_list(user, [film])
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    before = snapshot()

    assert api_client.get(list_url(film_list.pk)).status_code == 404
    assert api_client.get(items_url(film_list.pk)).status_code == 404
    assert api_client.get(LISTS_URL, {"user": user.username}).json()["count"] == 0
    assert api_client.get(f"/api/movies/{film.pk}/lists/").json()["count"] == 0
    assert other_client.put(like_url(film_list.pk)).status_code == 404
    assert snapshot() == before
