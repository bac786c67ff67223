import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from core.caching import current_generation
from imports.movielens import reader, writer
from movies.models import Genre, Movie
from movies.ratings import no_ratings
from reviews.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

# Flags in u.item's genre order: unknown, Action, Adventure, Animation, Children's, Comedy, Crime,
# Documentary, Drama, Fantasy, Film-Noir, Horror, Musical, Mystery, Romance, Sci-Fi, Thriller, War, Western.
GROUPLENS_ITEMS = [
    "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|"
    "0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0",
    "2|Misérables, Les (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Mis%E9rables%2C%20Les%20%281995%29|"
    "0|0|0|0|0|0|0|0|1|0|0|0|1|0|0|0|0|0|0",
    "3|Seven (Se7en) (1995)|22-Sep-1995||http://us.imdb.com/M/title-exact?Se7en%20(1995)|"
    "0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|1|0|0",
    "4|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0",
    "5|Land Before Time III: The Time of the Great Giving (1995) (V)|01-Jan-1995||http://us.imdb.com/M/x|"
    "0|0|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0",
]
GROUPLENS_USERS = ["1|24|M|technician|85711", "2|53|F|other|94043", "3|23|M|writer|32067"]
# movie 1: 5 and 4 -> 4.5; movie 2: 3; movie 3: 2 and 5 -> 3.5; movie 4: none; movie 5: 1.
RATINGS = [
    ("1", "1", "5", "881250949"),
    ("2", "1", "4", "891717742"),
    ("1", "2", "3", "878887116"),
    ("3", "3", "2", "880606923"),
    ("2", "3", "5", "886397596"),
    ("1", "5", "1", "884182806"),
]
ATOMIC_RATINGS_HEADER = "user_id:token\titem_id:token\trating:float\ttimestamp:float"
ATOMIC_ITEMS = [
    "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq",
    "1\tToy Story\t1995\tAnimation Children's Comedy",
    "2\tÁ köldum klaka (Cold Fever)\t1994\tComedy Drama",
    "3\tNénette et Boni\t\tDrama",
    "4\tunkonwn\tunkonwn\tunknown",
    "5\tLand Before Time III: The Time of the Great Giving (1995)\tV\tAnimation Children's",
]
ATOMIC_USERS = [
    "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token",
    "1\t24\tM\ttechnician\t85711",
    "2\t53\tF\tother\t94043",
    "3\t23\tM\twriter\t32067",
]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def tab(rows) -> list[str]:
    return ["\t".join(row) for row in rows]


@pytest.fixture
def grouplens_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "ml-100k"
    directory.mkdir()
    write(directory / "u.item", GROUPLENS_ITEMS, encoding="latin-1")
    write(directory / "u.user", GROUPLENS_USERS)
    write(directory / "u.data", tab(RATINGS))
    return directory


@pytest.fixture
def atomic_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "ml-100k"
    directory.mkdir()
    write(directory / "ml-100k.item", ATOMIC_ITEMS)
    write(directory / "ml-100k.user", ATOMIC_USERS)
    # The atomic files type ratings as floats: "4.0" must load like "4".
    rows = [(user, item, f"{rating}.0" if user == "2" else rating, stamp) for user, item, rating, stamp in RATINGS]
    write(directory / "ml-100k.inter", [ATOMIC_RATINGS_HEADER, *tab(rows)])
    return directory


@pytest.fixture(params=["grouplens", "atomic"])
def dataset_dir(request) -> Path:
    return request.getfixturevalue(f"{request.param}_dir")


def run(path: Path, *args: str, **options) -> str:
    stdout = StringIO()
    call_command("import_movielens", str(path), *args, stdout=stdout, stderr=StringIO(), **options)
    return stdout.getvalue()


def movies_by_id() -> dict[int, Movie]:
    return {movie.movielens_id: movie for movie in Movie.objects.all()}


def reviews_by_key() -> dict[tuple[str, int], Review]:
    return {
        (review.user.username, review.movie.movielens_id): review
        for review in Review.objects.select_related("user", "movie")
    }


def snapshot() -> tuple[list, list, list]:
    return (
        list(get_user_model().objects.order_by("pk").values()),
        list(Movie.objects.order_by("pk").values()),
        list(Review.objects.order_by("pk").values()),
    )


def genre_text(movie) -> str:
    return ", ".join(sorted(genre.name for genre in movie.genres.all()))


def test_grouplens_layout_imports_users_movies_and_reviews(grouplens_dir):
    output = run(grouplens_dir)

    assert "grouplens layout" in output
    assert "users 3 created" in output
    assert "movies 5 created" in output
    assert "reviews 6 created" in output
    movies = movies_by_id()
    assert {id_: (m.title, m.release_date, genre_text(m)) for id_, m in movies.items()} == {
        1: ("Toy Story", datetime.date(1995, 1, 1), "Animation, Children's, Comedy"),
        2: ("Misérables, Les", datetime.date(1995, 1, 1), "Drama, Musical"),
        3: ("Seven (Se7en)", datetime.date(1995, 9, 22), "Crime, Thriller"),
        4: ("unknown", None, ""),
        5: ("Land Before Time III: The Time of the Great Giving", datetime.date(1995, 1, 1), "Animation, Children's"),
    }


def test_atomic_layout_imports_users_movies_and_reviews(atomic_dir):
    output = run(atomic_dir)

    assert "atomic layout" in output
    assert "reviews 6 created" in output
    movies = movies_by_id()
    assert {id_: (m.title, m.release_date, genre_text(m)) for id_, m in movies.items()} == {
        1: ("Toy Story", datetime.date(1995, 1, 1), "Animation, Children's, Comedy"),
        2: ("Á köldum klaka (Cold Fever)", datetime.date(1994, 1, 1), "Comedy, Drama"),
        3: ("Nénette et Boni", None, "Drama"),
        4: ("unknown", None, ""),
        5: ("Land Before Time III: The Time of the Great Giving", datetime.date(1995, 1, 1), "Animation, Children's"),
    }


def test_both_layouts_create_the_same_users_reviews_and_aggregates(dataset_dir):
    run(dataset_dir)

    users = get_user_model().objects.order_by("username")
    assert [user.username for user in users] == ["ml_1", "ml_2", "ml_3"]
    assert not any(user.has_usable_password() for user in users)
    assert all(user.email == "" and user.is_active and not user.is_staff for user in users)
    reviews = reviews_by_key()
    assert {key: (review.rating, review.created_at) for key, review in reviews.items()} == {
        ("ml_1", 1): (5, datetime.datetime(1997, 12, 4, 15, 55, 49, tzinfo=UTC)),
        ("ml_2", 1): (4, datetime.datetime(1998, 4, 4, 19, 22, 22, tzinfo=UTC)),
        ("ml_1", 2): (3, datetime.datetime(1997, 11, 7, 7, 18, 36, tzinfo=UTC)),
        ("ml_3", 3): (2, datetime.datetime(1997, 11, 27, 5, 2, 3, tzinfo=UTC)),
        ("ml_2", 3): (5, datetime.datetime(1998, 2, 2, 5, 33, 16, tzinfo=UTC)),
        ("ml_1", 5): (1, datetime.datetime(1998, 1, 7, 14, 20, 6, tzinfo=UTC)),
    }
    assert all(review.body == "" for review in reviews.values())
    aggregates = {id_: (movie.review_count, movie.avg_rating) for id_, movie in movies_by_id().items()}
    assert aggregates == {1: (2, 4.5), 2: (1, 3.0), 3: (2, 3.5), 4: (0, 0.0), 5: (1, 1.0)}


def test_rerun_creates_and_changes_nothing(dataset_dir):
    run(dataset_dir)
    before = snapshot()

    output = run(dataset_dir)

    assert snapshot() == before
    assert "users 0 created, 3 already present" in output
    assert "movies 0 created, 5 already present" in output
    assert "reviews 0 created, 6 already present" in output


def test_rerun_with_extra_ratings_adds_only_the_new_ones(grouplens_dir):
    run(grouplens_dir)
    before = reviews_by_key()
    with (grouplens_dir / "u.data").open("a") as ratings:
        ratings.write("3\t1\t3\t875747190\n3\t4\t2\t875747190\n")

    output = run(grouplens_dir)

    assert "reviews 2 created, 6 already present" in output
    after = reviews_by_key()
    assert set(after) - set(before) == {("ml_3", 1), ("ml_3", 4)}
    assert all(
        after[key].pk == review.pk and after[key].updated_at == review.updated_at for key, review in before.items()
    )
    movies = movies_by_id()
    assert (movies[1].review_count, movies[1].avg_rating) == (3, 4.0)
    assert (movies[4].review_count, movies[4].avg_rating) == (1, 2.0)


@pytest.mark.parametrize("header", [False, True], ids=["no-header", "header"])
def test_ratings_option_replaces_the_ratings_file(dataset_dir, tmp_path, header):
    train = write(tmp_path / "u1.base", ([ATOMIC_RATINGS_HEADER] if header else []) + tab(RATINGS[:2]))

    output = run(dataset_dir, "--ratings", str(train))

    assert "reviews 2 created" in output
    assert set(reviews_by_key()) == {("ml_1", 1), ("ml_2", 1)}
    assert Movie.objects.count() == 5
    assert (movies_by_id()[1].review_count, movies_by_id()[1].avg_rating) == (2, 4.5)

    test = write(tmp_path / "u1.test", tab(RATINGS[2:]))
    output = run(dataset_dir, ratings=str(test))

    assert "reviews 4 created, 0 already present" in output
    assert len(reviews_by_key()) == 6


def test_ratings_option_works_without_the_layouts_own_ratings_file(grouplens_dir, tmp_path):
    (grouplens_dir / "u.data").unlink()
    train = write(tmp_path / "u1.base", tab(RATINGS[:1]))

    assert "reviews 1 created" in run(grouplens_dir, ratings=str(train))


def test_invalid_rows_are_skipped_and_reported(grouplens_dir):
    bad = [
        ("1", "4", "3.25", "881250949"),  # line 7: not a half star
        ("2", "4", "0", "881250949"),  # line 8: out of range
        ("3", "4", "5.5", "881250949"),  # line 9: out of range
        ("9", "1", "4", "881250949"),  # line 10: unknown user
        ("1", "99", "4", "881250949"),  # line 11: unknown movie
        ("1", "1", "2", "881250949"),  # line 12: user 1 already rated movie 1 on line 1
    ]
    write(grouplens_dir / "u.data", tab(RATINGS + bad))

    output = run(grouplens_dir)

    assert "reviews 6 created" in output
    assert "6 rows skipped" in output
    assert "3 invalid rating" in output
    assert "1 unknown user" in output
    assert "1 unknown movie" in output
    assert "1 duplicate rating" in output
    assert "u.data, line 7: invalid rating: '3.25'" in output
    assert "u.data, line 9: invalid rating: '5.5'" in output
    assert "u.data, line 11: unknown movie: 99" in output
    assert reviews_by_key()[("ml_1", 1)].rating == 5
    assert movies_by_id()[4].review_count == 0


# MovieLens 25M and latest: half stars from 0.5 to 5, in the same columns.
HALF_STAR_RATINGS = [
    ("1", "1", "4.5", "1147880044"),
    ("2", "1", "0.5", "1147868817"),
    ("3", "1", "4.5", "1147868828"),
    ("1", "2", "3.0", "1147878820"),
    ("2", "2", "2.5", "1147868510"),
    ("3", "3", "5.0", "1147868495"),
    ("1", "3", "3.75", "1147878820"),  # line 8: off the half-star scale
    ("2", "3", "0.0", "1147868510"),  # line 9: below half a star
]


def test_half_star_ratings_are_imported_exactly_and_counted_under_their_own_keys(atomic_dir):
    write(atomic_dir / "ml-100k.inter", [ATOMIC_RATINGS_HEADER, *tab(HALF_STAR_RATINGS)])

    output = run(atomic_dir)

    assert "reviews 6 created" in output
    assert "2 invalid rating" in output
    assert "ml-100k.inter, line 8: invalid rating: '3.75'" in output
    assert "ml-100k.inter, line 9: invalid rating: '0'" in output
    ratings = {key: review.rating for key, review in reviews_by_key().items()}
    assert ratings == {
        ("ml_1", 1): 4.5,
        ("ml_2", 1): 0.5,
        ("ml_3", 1): 4.5,
        ("ml_1", 2): 3,
        ("ml_2", 2): 2.5,
        ("ml_3", 3): 5,
    }
    movies = movies_by_id()
    assert (movies[1].review_count, movies[1].avg_rating) == (3, 9.5 / 3)
    assert movies[1].rating_distribution == {**no_ratings(), "0.5": 1, "4.5": 2}
    assert movies[2].rating_distribution == {**no_ratings(), "2.5": 1, "3": 1}
    assert (movies[2].avg_rating, movies[3].avg_rating) == (2.75, 5.0)


def test_whole_star_ratings_stay_whole_stars(grouplens_dir):
    run(grouplens_dir)

    assert sorted(Review.objects.values_list("rating", flat=True)) == [1.0, 2.0, 3.0, 4.0, 5.0, 5.0]
    assert movies_by_id()[1].rating_distribution == {**no_ratings(), "4": 1, "5": 1}


GROUPLENS_MALFORMED = [
    ("u.data", 2, "1\t2\t3", "expected 4 tab-separated fields, found 3"),
    ("u.data", 3, "1\t2\tthree\t881250949", "rating must be a number"),
    ("u.data", 1, "x1\t2\t3\t881250949", "header lacks column(s)"),
    ("u.data", 4, "1\t2\t3\tsoon", "timestamp must be a number"),
    ("u.data", 5, "-1\t2\t3\t881250949", "user id must be a positive integer"),
    ("u.item", 2, "2|Heat (1995)|01-Jan-1995||url|0|1", "expected 24 '|'-separated fields, found 7"),
    ("u.item", 3, GROUPLENS_ITEMS[2].replace("22-Sep-1995", "1995-09-22"), "release date must look like 01-Jan-1995"),
    ("u.item", 4, GROUPLENS_ITEMS[3].replace("|1|", "|x|", 1), "genre flags must be 0 or 1"),
    ("u.user", 2, "2|53|F", "expected 5 '|'-separated fields, found 3"),
]


@pytest.mark.parametrize(("name", "line", "text", "message"), GROUPLENS_MALFORMED)
def test_malformed_grouplens_line_raises_and_writes_nothing(grouplens_dir, name, line, text, message):
    path = grouplens_dir / name
    lines = path.read_text(encoding="latin-1").splitlines()
    lines[line - 1] = text
    write(path, lines, encoding="latin-1")

    with pytest.raises(CommandError) as raised:
        run(grouplens_dir)

    assert f"{path}, line {line}: {message}" in str(raised.value)
    assert snapshot() == ([], [], [])


ATOMIC_MALFORMED = [
    ("ml-100k.inter", 3, "1\t2\t3", "expected 4 tab-separated fields, found 3"),
    ("ml-100k.inter", 1, "user_id:token\titem_id:token\tscore:float\ttimestamp:float", "header lacks column(s) rating"),
    ("ml-100k.item", 4, "3\tNénette et Boni\tDrama", "expected 4 tab-separated fields, found 3"),
    ("ml-100k.item", 2, "one\tToy Story\t1995\tComedy", "item_id must be a positive integer"),
    ("ml-100k.user", 1, "age:token\tgender:token", "header lacks column(s) user_id"),
]


@pytest.mark.parametrize(("name", "line", "text", "message"), ATOMIC_MALFORMED)
def test_malformed_atomic_line_raises_and_writes_nothing(atomic_dir, name, line, text, message):
    path = atomic_dir / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    write(path, lines)

    with pytest.raises(CommandError) as raised:
        run(atomic_dir)

    assert f"{path}, line {line}: {message}" in str(raised.value)
    assert snapshot() == ([], [], [])


def test_a_failure_while_writing_rolls_everything_back(grouplens_dir, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "movie_aggregates_refresh", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        run(grouplens_dir)

    assert snapshot() == ([], [], [])


def test_missing_path_raises(tmp_path):
    with pytest.raises(CommandError, match=f"{tmp_path / 'nowhere'} does not exist"):
        run(tmp_path / "nowhere")


def test_directory_without_movielens_files_raises(tmp_path):
    with pytest.raises(CommandError, match="No MovieLens files in"):
        run(tmp_path)


@pytest.mark.parametrize("name", ["u.user", "u.item", "u.data"])
def test_missing_grouplens_file_is_named(grouplens_dir, name):
    (grouplens_dir / name).unlink()

    with pytest.raises(CommandError) as raised:
        run(grouplens_dir)

    assert f"Missing MovieLens file(s) for the grouplens layout: {grouplens_dir / name}." in str(raised.value)
    assert snapshot() == ([], [], [])


@pytest.mark.parametrize("name", ["ml-100k.user", "ml-100k.item", "ml-100k.inter"])
def test_missing_atomic_file_is_named(atomic_dir, name):
    (atomic_dir / name).unlink()

    with pytest.raises(CommandError) as raised:
        run(atomic_dir)

    assert f"Missing MovieLens file(s) for the atomic layout: {atomic_dir / name}." in str(raised.value)


def test_a_stray_ratings_split_beside_the_atomic_set_is_left_alone(atomic_dir):
    directory = atomic_dir.rename(atomic_dir.parent / "data")  # no longer named after the set
    write(directory / "a-train.inter", [ATOMIC_RATINGS_HEADER, *tab(RATINGS[:1])])

    output = run(directory)

    assert "atomic layout" in output and "reviews 6 created" in output


def test_two_complete_atomic_sets_are_refused_naming_both(atomic_dir):
    directory = atomic_dir.rename(atomic_dir.parent / "data")
    for suffix in ("inter", "item", "user"):
        (directory / f"ml-1m.{suffix}").write_bytes((directory / f"ml-100k.{suffix}").read_bytes())

    with pytest.raises(CommandError, match="several MovieLens data sets in the atomic layout: ml-100k, ml-1m"):
        run(directory)

    assert snapshot() == ([], [], [])


def test_missing_ratings_option_file_is_named(atomic_dir, tmp_path):
    with pytest.raises(CommandError, match=r"u1\.base"):
        run(atomic_dir, ratings=str(tmp_path / "u1.base"))


def test_an_account_that_is_not_an_import_is_never_taken_over(grouplens_dir):
    person = UserFactory(username="ML_2")

    output = run(grouplens_dir)

    assert "users 2 created" in output
    assert "username taken: 'ML_2'" in output
    assert "2 unknown user" in output
    assert not person.reviews.exists()
    assert not get_user_model().objects.filter(username="ml_2").exists()


def test_bumps_the_recommendation_generation_only_when_something_was_created(
    grouplens_dir, django_capture_on_commit_callbacks
):
    generation = current_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(grouplens_dir)
    assert len(callbacks) == 1
    assert current_generation() == generation + 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(grouplens_dir)
    assert callbacks == []


def test_unusable_password_is_hashed_once(grouplens_dir, monkeypatch):
    calls = []
    original = writer.make_password
    monkeypatch.setattr(writer, "make_password", lambda password: calls.append(password) or original(password))

    run(grouplens_dir)

    assert calls == [None]
    assert get_user_model().objects.values("password").distinct().count() == 1


def test_quiet_run_prints_nothing(grouplens_dir):
    assert run(grouplens_dir, verbosity=0) == ""


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(atomic_dir):
    for path in atomic_dir.iterdir():
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))

    run(atomic_dir)

    assert movies_by_id()[2].title == "Á köldum klaka (Cold Fever)"
    assert len(reviews_by_key()) == 6


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Toy Story (1995)", ("Toy Story", 1995)),
        ("Murder at 1600 (1997)", ("Murder at 1600", 1997)),
        ("Seven (Se7en) (1995)", ("Seven (Se7en)", 1995)),
        ("Hamlet (1996/I)", ("Hamlet", 1996)),
        (
            "Land Before Time III: The Time of the Great Giving (1995) (V)",
            (
                "Land Before Time III: The Time of the Great Giving",
                1995,
            ),
        ),
        ("  Nénette  et Boni ", ("Nénette et Boni", None)),
        ("Murder at 1600", ("Murder at 1600", None)),
        ("(1995)", ("(1995)", None)),
        ("unkonwn", ("unknown", None)),
    ],
)
def test_clean_title(raw, expected):
    assert reader.clean_title(raw) == expected


def test_genre_names_drop_unknown_and_repeats():
    assert reader.genre_names(["unknown", "Action", "Sci-Fi", "Action", ""]) == ("Action", "Sci-Fi")


def test_genres_are_shared_rows_linked_to_movies(grouplens_dir):
    run(grouplens_dir)

    assert Genre.objects.filter(name="Animation").get().movies.count() == 2
    assert not Genre.objects.filter(name__iexact="unknown").exists()
    assert set(Genre.objects.values_list("slug", flat=True)) >= {"animation", "childrens", "comedy"}


def planner_row_estimate(table: str) -> int:
    """How many rows the query planner believes the table holds (0 if it was never analysed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return int(row[0].split()[0]) if row else 0


def test_an_import_leaves_the_planner_statistics_of_what_it_wrote(grouplens_dir):
    run(grouplens_dir)

    assert planner_row_estimate(Review._meta.db_table) == Review.objects.count() == 6
