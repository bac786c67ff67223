"""GET /api/users/me/export/: a ZIP of everything the member owns (a Letterboxd CSV and a flixreview-export/1
document), theirs alone, in a bounded number of queries."""

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.utils import timezone

from activity import services as activity
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from comments import services as comments
from comments.models import Comment
from conftest import authenticated_client
from imports.history.export import LETTERBOXD_HEADER, export_document, letterboxd_rows, user_export, user_history
from lists import services as lists
from lists.models import FilmList
from movies.models import Movie
from reviews import services as reviews
from reviews.models import Review
from tests.factories import GenreFactory, MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/me/export/"
UTC = datetime.UTC


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2024, 3, day, hour, 0, tzinfo=UTC)


def unzip(body: bytes) -> tuple[list[str], list[list[str]], dict]:
    """The ZIP's member names, its CSV's rows (header first) and its JSON document."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
        names = archive.namelist()
        rows = list(csv.reader(io.StringIO(archive.read("letterboxd-import.csv").decode("utf-8"), newline="")))
        document = json.loads(archive.read("flixreview-export.json").decode("utf-8"))
    return names, rows, document


def download(client) -> tuple[list[str], list[list[str]], dict]:
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return unzip(response.content)


def film(movie: Movie) -> dict:
    year = movie.release_date.year if movie.release_date else None
    return {"id": movie.pk, "title": movie.title, "year": year, "tmdb_id": movie.tmdb_id, "imdb_id": movie.imdb_id}


FIRST = at(1)
HYPERLINK = '=HYPERLINK("https://evil.example","x")'


def review(user, movie, rating: float, body: str = "", when: datetime.datetime = FIRST) -> Review:
    made = reviews.review_create(user=user, movie=movie, rating=rating, body=body)
    Review.objects.filter(pk=made.pk).update(created_at=when)
    made.refresh_from_db()
    return made


def log(user, movie, watched_on: str, *, rating=None, body=None, rewatch=False, when=FIRST) -> DiaryEntry:
    entry = activity.diary_entry_create(
        user=user,
        movie=movie,
        watched_on=datetime.date.fromisoformat(watched_on),
        rating=rating,
        review_body=body,
        rewatch=rewatch,
    )
    DiaryEntry.objects.filter(pk=entry.pk).update(created_at=when)
    entry.refresh_from_db()
    return entry


def mark(model, user, movie, when: datetime.datetime) -> None:
    model.objects.create(user=user, movie=movie, created_at=when)


@dataclass
class World:
    owner: object
    other: object
    heat: Movie  # reviewed (hidden by moderation) and logged twice
    alien: Movie  # reviewed, never logged
    brazil: Movie  # only marked watched
    plus: Movie  # a title that starts a formula; logged without a rating and no review
    private_list: FilmList
    others_list: FilmList


def make_world() -> World:
    owner = UserFactory(username="ilse", first_name="Ilse", bio="Films.", time_zone="Europe/Amsterdam")
    other = UserFactory(username="otto")
    owner.preferred_genres.set([GenreFactory(name="Drama"), GenreFactory(name="Crime")])
    heat = MovieFactory(title="Heat", release_date=datetime.date(1995, 12, 15), tmdb_id=949, imdb_id="tt0113277")
    alien = MovieFactory(title="Alien", release_date=datetime.date(1979, 5, 25), tmdb_id=348)
    brazil = MovieFactory(title="Brazil", release_date=None)
    plus = MovieFactory(title="+1 Formula", release_date=datetime.date(2001, 1, 1))

    log(owner, heat, "2024-02-01", rating=4, body=HYPERLINK, when=at(2))
    log(owner, heat, "2024-02-20", rating=4.5, rewatch=True, when=at(3))
    log(owner, plus, "2024-01-10", when=at(4))
    Review.objects.filter(user=owner, movie=heat).update(created_at=at(2))
    reviews.review_hide(review=Review.objects.get(user=owner, movie=heat))
    review(owner, alien, 3.5, "@Ripley rules", when=at(5))
    mark(WatchedMark, owner, brazil, at(6))
    mark(WatchedMark, owner, heat, at(7))  # logged already: no CSV row of its own
    mark(WatchlistEntry, owner, alien, at(8))
    mark(MovieLike, owner, heat, at(9))
    mark(Dismissal, owner, brazil, at(10))

    private_list = lists.list_create(owner=owner, name="-Secret ranks", description="mine", ranked=True, public=False)
    lists.item_add(film_list=private_list, movie=alien, note="first")
    lists.item_add(film_list=private_list, movie=heat)
    others_list = lists.list_create(owner=other, name="Otto's picks")
    lists.item_add(film_list=others_list, movie=brazil)
    others_review = review(other, brazil, 2, "meh", when=at(11))
    comments.comment_create(author=owner, review=others_review, body="Disagree!")
    comments.comment_create(author=owner, film_list=others_list, body="Nice list")
    comments.comment_create(author=other, film_list=others_list, body="Otto's own comment")
    log(other, alien, "2024-02-02", rating=1, when=at(12))
    return World(owner, other, heat, alien, brazil, plus, private_list, others_list)


@pytest.fixture
def world() -> World:
    return make_world()


# --- who gets what ---------------------------------------------------------------------------------------------


def test_anonymous_is_401_with_the_error_body(api_client):
    response = api_client.get(URL)

    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert response["Content-Type"].startswith("application/json")


def test_the_zip_holds_the_csv_and_the_json_document(world):
    names, rows, document = download(authenticated_client(world.owner))

    assert names == ["letterboxd-import.csv", "flixreview-export.json"]
    assert rows[0] == list(LETTERBOXD_HEADER)
    assert rows[0] == ["Title", "Year", "tmdbID", "imdbID", "WatchedDate", "Rating", "Rewatch", "Review", "Tags"]
    assert document["format"] == "flixreview-export/1"
    assert list(document) == [
        "format",
        "exported_at",
        "profile",
        "reviews",
        "diary",
        "watched",
        "watchlist",
        "likes",
        "not_interested",
        "lists",
        "comments",
    ]


def test_another_member_gets_their_own_data_never_the_owners(world):
    response = authenticated_client(world.other).get(URL)
    _, rows, document = unzip(response.content)

    assert document["profile"]["username"] == "otto"
    assert [entry["film"]["id"] for entry in document["diary"]] == [world.alien.pk]
    assert [entry["film"]["title"] for entry in document["reviews"]] == ["Brazil", "Alien"]
    assert [item["name"] for item in document["lists"]] == ["Otto's picks"]
    assert [comment["body"] for comment in document["comments"]] == ["Otto's own comment"]
    assert document["watched"] == document["watchlist"] == document["likes"] == document["not_interested"] == []
    assert [row[0] for row in rows[1:]] == ["Alien", "Brazil"]
    raw = response.content + json.dumps(document).encode() + str(rows).encode()
    for secret in ("Secret ranks", "HYPERLINK", "Ripley", "Disagree", "Nice list", "ilse", "+1 Formula"):
        assert secret.encode() not in raw, secret


def test_an_admin_gets_their_own_export_not_the_members(world, admin_user, admin_client):
    _, rows, document = download(admin_client)

    assert document["profile"]["username"] == admin_user.username
    assert document["reviews"] == document["diary"] == document["lists"] == document["comments"] == []
    assert rows == [list(LETTERBOXD_HEADER)]


# --- the JSON document -----------------------------------------------------------------------------------------


def test_the_profile(world):
    _, _, document = download(authenticated_client(world.owner))

    owner = world.owner
    assert document["profile"] == {
        "username": "ilse",
        "first_name": "Ilse",
        "last_name": "",
        "email": "ilse@example.com",
        "bio": "Films.",
        "time_zone": "Europe/Amsterdam",
        "diary_public": True,
        "watchlist_public": True,
        "preferred_genres": ["Crime", "Drama"],
        "date_joined": owner.date_joined.astimezone(UTC).isoformat(),
    }


def test_reviews_include_the_owners_hidden_one(world):
    _, _, document = download(authenticated_client(world.owner))

    heat = Review.objects.get(user=world.owner, movie=world.heat)
    assert heat.hidden
    assert document["reviews"] == [
        {
            "film": film(world.heat),
            "rating": 4.5,
            "body": HYPERLINK,
            "created_at": "2024-03-02T12:00:00+00:00",
            "updated_at": heat.updated_at.astimezone(UTC).isoformat(),
        },
        {
            "film": film(world.alien),
            "rating": 3.5,
            "body": "@Ripley rules",
            "created_at": "2024-03-05T12:00:00+00:00",
            "updated_at": Review.objects.get(user=world.owner, movie=world.alien).updated_at.isoformat(),
        },
    ]
    assert document["reviews"][0]["film"] == {
        "id": world.heat.pk,
        "title": "Heat",
        "year": 1995,
        "tmdb_id": 949,
        "imdb_id": "tt0113277",
    }


def test_the_diary_by_date_with_the_entries_own_ratings(world):
    _, _, document = download(authenticated_client(world.owner))

    assert document["diary"] == [
        {
            "film": film(world.plus),
            "watched_on": "2024-01-10",
            "rewatch": False,
            "rating": None,
            "created_at": "2024-03-04T12:00:00+00:00",
        },
        {
            "film": film(world.heat),
            "watched_on": "2024-02-01",
            "rewatch": False,
            "rating": 4.0,
            "created_at": "2024-03-02T12:00:00+00:00",
        },
        {
            "film": film(world.heat),
            "watched_on": "2024-02-20",
            "rewatch": True,
            "rating": 4.5,
            "created_at": "2024-03-03T12:00:00+00:00",
        },
    ]


def test_marks_each_of_their_kind(world):
    _, _, document = download(authenticated_client(world.owner))

    def marks(*pairs):
        return [{"film": film(movie), "created_at": f"2024-03-{day:02d}T12:00:00+00:00"} for movie, day in pairs]

    assert document["watched"] == marks((world.brazil, 6), (world.heat, 7))
    assert document["watchlist"] == marks((world.alien, 8))
    assert document["likes"] == marks((world.heat, 9))
    assert document["not_interested"] == marks((world.brazil, 10))
    assert document["watched"][0]["film"]["year"] is None


def test_lists_private_ones_included_with_their_items_in_order(world):
    _, _, document = download(authenticated_client(world.owner))

    assert document["lists"] == [
        {
            "name": "-Secret ranks",
            "description": "mine",
            "ranked": True,
            "public": False,
            "created_at": world.private_list.created_at.astimezone(UTC).isoformat(),
            "items": [
                {"position": 1, "film": film(world.alien), "note": "first"},
                {"position": 2, "film": film(world.heat), "note": ""},
            ],
        }
    ]


def test_comments_say_what_they_are_about(world):
    edited = Comment.objects.get(body="Disagree!")
    comments.comment_update(comment=edited, body="Disagree, strongly!")
    comments.comment_hide(comment=Comment.objects.get(body="Nice list"))  # moderated, still the member's

    _, _, document = download(authenticated_client(world.owner))

    on_review, on_list = document["comments"]
    edited.refresh_from_db()
    assert on_review == {
        "on": "review",
        "review_id": edited.review_id,
        "about": film(world.brazil),
        "body": "Disagree, strongly!",
        "created_at": edited.created_at.astimezone(UTC).isoformat(),
        "edited_at": edited.edited_at.astimezone(UTC).isoformat(),
    }
    assert on_list["on"] == "list"
    assert on_list["list_id"] == world.others_list.pk
    assert on_list["about"] == "Otto's picks"
    assert on_list["body"] == "Nice list"
    assert on_list["edited_at"] is None


def test_a_list_made_private_since_is_not_named(world):
    lists.list_update(film_list=world.others_list, name="Otto's secret", public=False)

    _, _, document = download(authenticated_client(world.owner))

    on_list = document["comments"][1]
    assert (on_list["list_id"], on_list["about"], on_list["body"]) == (world.others_list.pk, "", "Nice list")
    assert "Otto's secret" not in json.dumps(document)


def test_datetimes_are_utc_with_an_offset_and_the_file_is_dated_in_the_members_zone(world, monkeypatch):
    moment = datetime.datetime(2025, 3, 1, 23, 30, 5, tzinfo=UTC)  # already 2 March in Amsterdam
    monkeypatch.setattr(timezone, "now", lambda: moment)

    name, body = user_export(world.owner)

    assert name == "flixreview-ilse-2025-03-02.zip"
    assert unzip(body)[2]["exported_at"] == "2025-03-01T23:30:05+00:00"


# --- the Letterboxd CSV ----------------------------------------------------------------------------------------


def test_the_csv_rows(world):
    _, rows, _ = download(authenticated_client(world.owner))

    assert rows[1:] == [
        # Diary entries by date; the review's text on the film's latest entry only.
        ["'+1 Formula", "2001", "", "", "2024-01-10", "", "false", "", ""],
        ["Heat", "1995", "949", "tt0113277", "2024-02-01", "4", "false", "", ""],
        ["Heat", "1995", "949", "tt0113277", "2024-02-20", "4.5", "true", "'" + HYPERLINK, ""],
        # Reviewed, never logged.
        ["Alien", "1979", "348", "", "", "3.5", "", "'@Ripley rules", ""],
        # Only marked watched (Heat's mark is covered by its diary entries).
        ["Brazil", "", "", "", "", "", "", "", ""],
    ]


def test_a_diary_entry_without_a_rating_takes_the_reviews(world):
    log(world.owner, world.alien, "2024-02-25")

    _, rows, _ = download(authenticated_client(world.owner))

    alien = [row for row in rows if row[0] == "Alien"]
    assert alien == [["Alien", "1979", "348", "", "2024-02-25", "3.5", "false", "'@Ripley rules", ""]]


@pytest.mark.parametrize("title", ["+Plus", "-Minus", "@At", "=Equals", "\tTab", " =Spaced"])
def test_formula_titles_are_neutralised_in_the_csv_only(title):
    member = UserFactory()
    movie = MovieFactory(title=title)
    mark(WatchedMark, member, movie, at(1))

    _, rows, document = download(authenticated_client(member))

    assert rows[1][0] == "'" + title
    assert document["watched"][0]["film"]["title"] == title


def test_text_that_is_no_formula_is_left_as_written():
    member = UserFactory()
    review(member, MovieFactory(title='Wall-E, "the" robot'), 5, "Line one\nline two, a = b")

    _, rows, _ = download(authenticated_client(member))

    assert rows[1][0] == 'Wall-E, "the" robot'
    assert rows[1][7] == "Line one\nline two, a = b"


# --- ordering, queries, the response ---------------------------------------------------------------------------


def test_rows_are_ordered_by_date_then_id_whatever_the_insertion_order():
    member = UserFactory()
    movies = MovieFactory.create_batch(4)
    for movie in reversed(movies[2:]):
        mark(WatchlistEntry, member, movie, at(1))
    for movie in movies[:2]:
        mark(WatchlistEntry, member, movie, at(2))

    document = unzip(user_export(member)[1])[2]

    exported = [entry["film"]["id"] for entry in document["watchlist"]]
    assert exported == [movies[3].pk, movies[2].pk, movies[0].pk, movies[1].pk]


def test_two_exports_of_the_same_moment_are_the_same_bytes(world):
    moment = at(20)

    assert user_export(world.owner, now=moment) == user_export(world.owner, now=moment)


def busy_member(size: int):
    """A member with ``size`` of everything: every lazy relation would show as an extra query."""
    member = UserFactory()
    member.preferred_genres.set(GenreFactory.create_batch(size))
    someone = UserFactory()
    their_list = lists.list_create(owner=someone, name="theirs")
    for n, movie in enumerate(MovieFactory.create_batch(size)):
        their_review = review(someone, movie, 3)
        log(member, movie, f"2024-01-{n + 1:02d}", rating=4, body=f"body {n}")
        for model in (WatchedMark, WatchlistEntry, MovieLike, Dismissal):
            mark(model, member, movie, at(n + 1))
        own_list = lists.list_create(owner=member, name=f"list {n}")
        lists.item_add(film_list=own_list, movie=movie, note="n")
        lists.item_add(film_list=their_list, movie=movie)
        comments.comment_create(author=member, review=their_review, body=f"c{n}")
        comments.comment_create(author=member, film_list=their_list, body=f"l{n}")
    return member


@pytest.mark.parametrize("size", [1, 5])
def test_the_query_count_does_not_grow_with_the_history(django_assert_num_queries, size):
    member = busy_member(size)
    client = authenticated_client(member)

    # The user, their genres, reviews, diary, four kinds of marks, lists, their items, comments.
    with django_assert_num_queries(11):
        _, rows, document = download(client)

    assert len(rows) == 1 + size
    assert len(document["lists"]) == len(document["comments"]) // 2 == size
    assert all(item["about"] for item in document["comments"])


@pytest.mark.parametrize("size", [1, 5])
def test_the_history_is_read_in_ten_queries_and_written_in_none(django_assert_num_queries, size):
    member = busy_member(size)

    with django_assert_num_queries(10):
        history = user_history(member)
    with django_assert_num_queries(0):
        document = export_document(history, at(1))
        rows = list(letterboxd_rows(history))

    assert len(document["reviews"]) == len(document["diary"]) == len(rows) == size
    assert sum(len(item["items"]) for item in document["lists"]) == size


def test_the_response_headers(world, monkeypatch):
    client = authenticated_client(world.owner)
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2025, 1, 12, 9, 41, tzinfo=UTC))

    response = client.get(URL, HTTP_ACCEPT="application/zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="flixreview-ilse-2025-01-12.zip"'
    assert response["Cache-Control"] == "private, no-store"
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_a_username_beyond_ascii_is_encoded_in_the_file_name():
    member = UserFactory(username="zoë")

    response = authenticated_client(member).get(URL)

    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''flixreview-zo%C3%AB-")


def test_exports_are_throttled_per_member(world, settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "exports": "2/hour"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}
    owner = authenticated_client(world.owner)

    assert [owner.get(URL).status_code for _ in range(2)] == [200, 200]
    throttled = owner.get(URL)

    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert authenticated_client(world.other).get(URL).status_code == 200


def test_the_schema_documents_the_download(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/users/me/export/"]["get"]
    assert operation["operationId"]
    assert operation["responses"]["200"]["content"]["application/zip"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert {"401", "429"} <= set(operation["responses"])
