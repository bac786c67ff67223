"""What the members' pages' tests share: the four people every page is tried with, and a member with a history."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from activity.models import MovieLike, WatchlistEntry
from activity.services import diary_entry_create, movie_mark
from follows.services import follow_create
from lists.models import FilmList
from lists.services import item_add, list_create
from tests.factories import MovieFactory, ReviewFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
PEOPLE = ["anonymous", "owner", "other", "admin"]


@dataclass
class Cast:
    """The owner of what a page shows, someone else, an admin; ``client(who)`` is logged in as them."""

    owner: User
    other: User
    admin: User
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        if who not in self.clients:
            client = Client()
            if who != "anonymous":
                client.force_login(getattr(self, who))
            self.clients[who] = client
        return self.clients[who]


def make_cast() -> Cast:
    return Cast(
        owner=UserFactory(username="owner", bio="Films <b>and</b> more"),
        other=UserFactory(username="other"),
        admin=UserFactory(username="boss", is_staff=True, is_superuser=True),
    )


def history(member: User, size: int, *, day: datetime.date | None = None) -> dict[str, Any]:
    """``size`` of everything: reviews, diary entries, watchlist films, likes, lists of ``size`` films, followers."""
    day = day or datetime.date(2026, 11, 20)
    movies = [MovieFactory(genres=["Drama"]) for _ in range(size * 3)]
    reviewed, logged, listed = movies[:size], movies[size : 2 * size], movies[2 * size :]
    for index, movie in enumerate(reviewed):
        ReviewFactory(user=member, movie=movie, rating=4.5 if index % 2 == 0 else 3)
    for index, movie in enumerate(logged):
        diary_entry_create(user=member, movie=movie, watched_on=day - datetime.timedelta(days=20 * index), rating=4)
    for movie in listed:
        movie_mark(model=WatchlistEntry, user=member, movie=movie)
        movie_mark(model=MovieLike, user=member, movie=movie)
    lists = []
    for index in range(size):
        film_list = list_create(owner=member, name=f"List {index}", public=index % 2 == 0 or size == 1)
        for movie in movies[:size]:
            item_add(film_list=film_list, movie=movie, note=f"note {movie.pk}")
        lists.append(film_list)
    for _ in range(size):
        follow_create(follower=UserFactory(), followee=member)
        follow_create(follower=member, followee=UserFactory())
    return {"movies": movies, "lists": lists}


def a_list(owner: User, size: int = 3, **fields: Any) -> FilmList:
    film_list = list_create(owner=owner, name=fields.pop("name", "A list"), **fields)
    for _ in range(size):
        item_add(film_list=film_list, movie=MovieFactory())
    return film_list


def queries_of(client: Client, url: str, **extra: Any) -> int:
    """How many queries the page takes (the response must be a success)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(captured)


def messages_of(response: Any) -> list[str]:
    """The messages the request added (for the next page to show)."""
    return [str(message) for message in response.wsgi_request._messages._queued_messages]
