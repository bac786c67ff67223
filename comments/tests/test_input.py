"""Bad input gives a clear 4xx and writes nothing; good input is stored exactly and comes back as JSON text."""

import pytest

from comments.models import Comment
from comments.tests.utils import (
    COMMENTER,
    HUGE_ID,
    OWNER,
    World,
    comment_url,
    list_comments_url,
    make_world,
    review_comments_url,
    snapshot,
)


@pytest.fixture
def world(db) -> World:
    return make_world()


BAD_BODIES = [
    pytest.param({"body": ""}, "body", id="empty"),
    pytest.param({"body": " \n\t "}, "body", id="only whitespace"),
    pytest.param({"body": "x" * 2001}, "body", id="2,001 characters"),
    pytest.param({"body": " " + "x" * 2001 + " "}, "body", id="2,001 characters once trimmed"),
    pytest.param({}, "body", id="missing"),
    pytest.param({"body": None}, "body", id="null"),
    pytest.param({"body": ["a list"]}, "body", id="not text"),
    pytest.param({"body": "nul \x00 byte"}, "body", id="NUL character"),
    pytest.param({"body": "fine", "review": 1}, "review", id="unknown field"),
]


def _write_urls(world: World) -> dict[str, tuple[str, str, str]]:
    return {
        "post on review": ("post", review_comments_url(world.review.pk), COMMENTER),
        "post on list": ("post", list_comments_url(world.public_list.pk), COMMENTER),
        "patch": ("patch", comment_url(world.on_review.pk), COMMENTER),
    }


@pytest.mark.parametrize("where", ["post on review", "post on list", "patch"])
@pytest.mark.parametrize(("payload", "field"), BAD_BODIES)
def test_a_bad_body_is_a_400_naming_the_field_and_writes_nothing(world, where, payload, field):
    method, url, actor = _write_urls(world)[where]
    before = snapshot()

    response = getattr(world.client(actor), method)(url, payload, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400
    assert field in body["errors"]
    assert snapshot() == before


def test_a_body_that_is_not_json_is_a_400(world):
    before = snapshot()
    response = world.client(COMMENTER).post(
        review_comments_url(world.review.pk), b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda w: review_comments_url(987654), id="unknown review"),
        pytest.param(lambda w: review_comments_url(HUGE_ID), id="huge review id"),
        pytest.param(lambda w: review_comments_url(0), id="review 0"),
        pytest.param(lambda w: list_comments_url(987654), id="unknown list"),
        pytest.param(lambda w: list_comments_url(HUGE_ID), id="huge list id"),
        pytest.param(lambda w: list_comments_url(0), id="list 0"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_and_huge_ids_are_404_and_write_nothing(world, url, method):
    before = snapshot()

    response = getattr(world.client(COMMENTER), method)(url(world), {"body": "Hello"}, format="json")

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.parametrize("comment_id", ["987654", HUGE_ID, "0"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_and_huge_comment_ids_are_404(world, comment_id, method):
    before = snapshot()

    response = getattr(world.client(OWNER), method)(comment_url(comment_id), {"body": "Hello"}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


MARKUP = '<script>alert("x")</script> & <b>bold</b> \u2028 "quotes"\n\nSecond paragraph.'


def test_markup_is_stored_as_written_and_returned_verbatim_as_json(world):
    client = world.client(COMMENTER)

    created = client.post(review_comments_url(world.review.pk), {"body": f"  {MARKUP}  "}, format="json")

    assert created.status_code == 201
    assert created["Content-Type"] == "application/json"
    assert created.json()["body"] == MARKUP  # Surrounding whitespace trimmed, nothing else touched.
    assert Comment.objects.get(pk=created.json()["id"]).body == MARKUP
    detail = client.get(comment_url(created.json()["id"]))
    thread = client.get(review_comments_url(world.review.pk))
    assert detail.json()["body"] == MARKUP
    assert thread.json()["results"][-1]["body"] == MARKUP
    for response in (detail, thread):
        assert response["Content-Type"] == "application/json"
        assert b"&lt;" not in response.content  # Not escaped for HTML either: plain text in JSON.


def test_asking_for_html_never_gets_html(world):
    response = world.client(COMMENTER).get(comment_url(world.on_review.pk), HTTP_ACCEPT="text/html")

    assert response["Content-Type"].startswith("application/json")
    assert response.status_code in {200, 406}


def test_2000_characters_are_accepted(world):
    response = world.client(COMMENTER).post(
        list_comments_url(world.public_list.pk), {"body": "é" * 2000}, format="json"
    )
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).body == "é" * 2000


def test_the_representation(world):
    response = world.client(COMMENTER).get(comment_url(world.on_list.pk))

    assert response.json() == {
        "id": world.on_list.pk,
        "author": world.users[COMMENTER].username,
        "review": None,
        "list": world.public_list.pk,
        "body": "Good picks.",
        "edited": False,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }
    assert response.json()["created_at"].endswith("Z")


def test_an_edit_marks_the_comment_edited_and_an_unchanged_body_does_not(world):
    client = world.client(COMMENTER)
    url = comment_url(world.on_review.pk)

    same = client.patch(url, {"body": " First! "}, format="json")
    assert same.status_code == 200
    assert same.json()["edited"] is False

    changed = client.patch(url, {"body": "First, and edited."}, format="json")
    assert changed.json()["edited"] is True
    assert changed.json()["body"] == "First, and edited."
    assert client.get(review_comments_url(world.review.pk)).json()["results"][0]["edited"] is True


def test_comment_lists_are_oldest_first_and_paginated(world):
    client = world.client(COMMENTER)
    posted = [
        client.post(list_comments_url(world.public_list.pk), {"body": f"n{n}"}, format="json").json()["id"]
        for n in range(3)
    ]
    expected = [world.on_list.pk, *posted]

    first = client.get(list_comments_url(world.public_list.pk), {"page_size": 3}).json()
    second = client.get(list_comments_url(world.public_list.pk), {"page_size": 3, "page": 2}).json()

    assert first["count"] == 4
    assert [row["id"] for row in first["results"] + second["results"]] == expected
    assert first["next"] and second["previous"]
    assert client.get(list_comments_url(world.public_list.pk), {"page": 3, "page_size": 3}).status_code == 404
