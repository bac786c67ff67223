"""URLs, builders and a snapshot of every list table, shared by the lists tests."""

from django.db.models import F

from lists import services
from lists.models import FilmList, ListItem, ListLike
from movies.models import Movie

LISTS_URL = "/api/lists/"
HUGE_ID = "99999999999999999999"  # Past any 64-bit integer.


def list_url(list_id) -> str:
    return f"{LISTS_URL}{list_id}/"


def like_url(list_id) -> str:
    return f"{LISTS_URL}{list_id}/like/"


def items_url(list_id) -> str:
    return f"{LISTS_URL}{list_id}/items/"


def item_url(list_id, item_id) -> str:
    return f"{LISTS_URL}{list_id}/items/{item_id}/"


def movie_lists_url(movie_id) -> str:
    return f"/api/movies/{movie_id}/lists/"


def make_list(owner, movies: list[Movie] = (), **fields) -> FilmList:  # type: ignore[assignment]
    """A list of ``owner`` holding ``movies`` in that order, built through the services."""
    film_list = services.list_create(owner=owner, name=fields.pop("name", "My list"), **fields)
    for movie in movies:
        services.item_add(film_list=film_list, movie=movie)
    film_list.refresh_from_db()
    return film_list


def add_like(user, film_list: FilmList) -> None:
    """A like made directly (e.g. before a block that would now refuse it), counted as the service counts it."""
    ListLike.objects.create(user=user, film_list=film_list)
    FilmList.objects.filter(pk=film_list.pk).update(like_count=F("like_count") + 1)


def positions(film_list: FilmList) -> list[tuple[int, int]]:
    """[(position, movie id)] of the list, in order."""
    return list(ListItem.objects.filter(film_list=film_list).order_by("position").values_list("position", "movie_id"))


def movie_order(film_list: FilmList) -> list[int]:
    return [movie_id for _, movie_id in positions(film_list)]


def assert_consistent(film_list: FilmList) -> None:
    """Positions are exactly 1..n and item_count is n."""
    places = [position for position, _ in positions(film_list)]
    assert places == list(range(1, len(places) + 1)), places
    assert FilmList.objects.get(pk=film_list.pk).item_count == len(places)


def snapshot() -> dict:
    """Everything a rejected lists request must leave as it was."""
    return {
        "lists": sorted(
            FilmList.objects.values_list(
                "pk", "owner_id", "name", "description", "ranked", "public", "item_count", "like_count", "updated_at"
            )
        ),
        "items": sorted(ListItem.objects.values_list("pk", "film_list_id", "movie_id", "note", "position")),
        "likes": sorted(ListLike.objects.values_list("user_id", "film_list_id")),
    }


def result_ids(response) -> list:
    return [row["id"] for row in response.json()["results"]]
