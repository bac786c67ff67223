import datetime

from django.utils import timezone

from activity.models import DiaryEntry
from feed.models import Event
from follows.models import Follow
from lists.models import FilmList
from reviews.services import review_like
from tests.factories import MovieFactory, ReviewFactory, UserFactory

FEED_URL = "/api/feed/"


def follow(follower, *followees) -> None:
    for followee in followees:
        Follow.objects.create(follower=follower, followee=followee)


def review_by(member, **fields):
    return ReviewFactory(user=member, movie=fields.pop("movie", None) or MovieFactory(), **fields)


def diary_entry_by(member, **fields):
    fields = {"watched_on": datetime.date(2024, 5, 1), "rating": 3.5, "rewatch": True, **fields}
    return DiaryEntry.objects.create(user=member, movie=fields.pop("movie", None) or MovieFactory(), **fields)


def list_by(member, **fields):
    return FilmList.objects.create(owner=member, name=fields.pop("name", "Favourites"), **fields)


def like_by(member, review=None):
    review = review or review_by(UserFactory())
    review_like(user=member, review=review)
    return review


def one_of_each(member) -> dict:
    """A review, a diary entry, a list and a like (of someone else's review) by ``member``, oldest first."""
    return {
        "review": review_by(member),
        "diary_entry": diary_entry_by(member),
        "list": list_by(member),
        "review_like": like_by(member),
    }


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def kinds_and_actors(response) -> list[tuple[str, str]]:
    return [(item["kind"], item["actor"]) for item in items(response)]


def all_pages(client, **params) -> list[dict]:
    rows, url, pages = [], FEED_URL, 0
    response = client.get(url, params)
    while True:
        pages += 1
        assert pages < 100
        rows += items(response)
        url = response.json()["next"]
        if url is None:
            return rows
        response = client.get(url)


def at_one_instant(moment: datetime.datetime | None = None) -> datetime.datetime:
    """Put every event at the same instant (ties broken by id alone)."""
    moment = moment or timezone.now() - datetime.timedelta(hours=1)
    Event.objects.update(created_at=moment)
    return moment
