"""Cursor pagination of the feed: no duplicates and no gaps, with rows sharing a timestamp and with activity
arriving between pages; bad cursors and page sizes are a 400."""

import base64
import datetime
import json

import pytest
from django.utils import timezone

from conftest import authenticated_client
from core.pagination import KeysetPagination
from feed.models import Event
from feed.tests.utils import FEED_URL, all_pages, at_one_instant, follow, items, one_of_each, review_by
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    return UserFactory()


@pytest.fixture
def client(viewer):
    return authenticated_client(viewer)


@pytest.fixture
def followed(viewer):
    members = UserFactory.create_batch(3)
    follow(viewer, *members)
    for member in members:
        one_of_each(member)
    return members


def expected_ids(viewer) -> list[int]:
    followees = viewer.following_set.values("followee_id")
    return list(
        Event.objects.filter(actor_id__in=followees).order_by("-created_at", "-id").values_list("pk", flat=True)
    )


@pytest.mark.parametrize("page_size", [1, 2, 5, 12, 100])
def test_pages_cover_the_feed_once_in_order(client, viewer, followed, page_size):
    rows = all_pages(client, page_size=page_size)

    assert [row["id"] for row in rows] == expected_ids(viewer)
    assert len(rows) == 12


@pytest.mark.parametrize("page_size", [1, 3, 5])
def test_rows_sharing_a_timestamp_are_neither_repeated_nor_skipped(client, viewer, followed, page_size):
    at_one_instant()

    rows = all_pages(client, page_size=page_size)

    assert [row["id"] for row in rows] == sorted(expected_ids(viewer), reverse=True)
    assert len({row["created_at"] for row in rows}) == 1


def test_activity_arriving_between_pages_shifts_nothing(client, viewer, followed):
    moment = at_one_instant()  # ties as well: the hardest case for a cursor
    before = expected_ids(viewer)
    first = client.get(FEED_URL, {"page_size": 5}).json()

    newcomer = UserFactory()
    follow(viewer, newcomer)
    review_by(followed[0])  # newer than everything
    review_by(newcomer, created_at=moment)  # the same instant, a higher id: before the cursor in feed order
    rest = all_pages_from(client, first["next"])

    seen = [row["id"] for row in first["results"] + rest]
    assert seen == before
    fresh = [row["id"] for row in items(client.get(FEED_URL, {"page_size": 100}))]
    assert len(fresh) == len(before) + 2 and fresh[:1] != seen[:1]


def test_older_activity_arriving_behind_the_cursor_is_reached_later(client, viewer, followed):
    first = client.get(FEED_URL, {"page_size": 3}).json()
    old = review_by(followed[1], created_at=timezone.now() - datetime.timedelta(days=30))

    rest = all_pages_from(client, first["next"])

    assert rest[-1]["review"]["id"] == old.pk


def all_pages_from(client, url: str | None) -> list[dict]:
    rows = []
    while url is not None:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_the_last_page_has_no_next_and_an_empty_feed_is_one_page(client, followed):
    assert client.get(FEED_URL, {"page_size": 12}).json()["next"] is None
    assert client.get(FEED_URL, {"page_size": 11}).json()["next"] is not None
    Event.objects.all().delete()
    assert client.get(FEED_URL).json() == {"next": None, "results": []}


def test_the_next_link_keeps_the_filter_and_page_size(client, followed):
    body = client.get(FEED_URL, {"page_size": 1, "kind": "list"}).json()
    second = client.get(body["next"]).json()

    assert "kind=list" in body["next"] and "page_size=1" in body["next"]
    assert [row["kind"] for row in body["results"] + second["results"]] == ["list", "list"]


def cursor_of(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


BAD_CURSORS = [
    "garbage",
    "!!!",
    "e30",  # {}
    cursor_of([]),
    cursor_of(["2024-01-01T00:00:00+00:00"]),
    cursor_of(["2024-01-01T00:00:00+00:00", 1, 2]),
    cursor_of(["yesterday", 5]),
    cursor_of(["2024-01-01T00:00:00", 5]),  # no time zone
    cursor_of(["2024-01-01T00:00:00+00:00", "5"]),
    cursor_of(["2024-01-01T00:00:00+00:00", 5.5]),
    cursor_of(["2024-01-01T00:00:00+00:00", True]),
    cursor_of(["2024-01-01T00:00:00+00:00", 0]),
    cursor_of(["2024-01-01T00:00:00+00:00", -3]),
    cursor_of(["2024-01-01T00:00:00+00:00", 99999999999999999999]),
    cursor_of([20240101, 5]),
    cursor_of({"at": "2024-01-01T00:00:00+00:00", "id": 5}),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_bad_cursor_is_400(client, followed, cursor):
    response = client.get(FEED_URL, {"cursor": cursor})

    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["errors"]


@pytest.mark.parametrize("page_size", ["0", "-1", "101", "abc", "1.5"])
def test_a_bad_page_size_is_400(client, page_size):
    response = client.get(FEED_URL, {"page_size": page_size})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_the_cursor_round_trips_any_position():
    moment = datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    for position in [
        (moment, 1),
        (moment, 2**63 - 1),
        (moment.astimezone(datetime.timezone(datetime.timedelta(hours=5))), 7),
    ]:
        cursor = KeysetPagination.encode_cursor(position)
        assert "=" not in cursor
        assert KeysetPagination.decode_cursor(cursor) == position
