"""The readers of each source's files: what each row says, which rows are skipped and why, and which files are
refused. Plain Python: no database."""

import datetime
import io
import json

import pytest

from imports.history.readers import flixreview, imdb, letterboxd, read, trakt
from imports.history.readers.common import FormatError, parse_rating
from imports.history.rows import Fact, FilmRef, ListInfo

UTC = datetime.UTC


def rows_of(kind, text, file="file.csv"):
    return list(read(kind, io.StringIO(text, newline=""), file))


def lines(*records):
    return "".join(f"{record}\r\n" for record in records)


# Letterboxd ---------------------------------------------------------------------------------------------------


def test_letterboxd_ratings_are_dated_half_stars_keyed_by_the_film_uri():
    text = lines("Date,Name,Year,Letterboxd URI,Rating", "2016-01-25,Tsotsi,2005,https://boxd.it/Ym1U,3.5")

    [row] = rows_of("ratings", text, "ratings.csv")

    assert row.fact == Fact.RATING
    assert row.film == FilmRef(title="Tsotsi", year=2005, key="https://boxd.it/Ym1U")
    assert (row.file, row.line, row.rating, row.date) == ("ratings.csv", 2, 3.5, datetime.date(2016, 1, 25))
    assert not row.skip_reason


@pytest.mark.parametrize(
    ("rating", "reason"),
    [
        ("6", "rating '6' is not 0.5 to 5 in half stars"),
        ("3.3", "rating '3.3' is not 0.5 to 5 in half stars"),
        ("0", "rating '0' is not 0.5 to 5 in half stars"),
        ("good", "rating 'good' is not a number"),
        ("", "no rating"),
    ],
)
def test_a_letterboxd_rating_off_the_scale_skips_its_row_with_the_reason(rating, reason):
    text = lines("Date,Name,Year,Letterboxd URI,Rating", f"2016-01-25,Tsotsi,2005,https://boxd.it/Ym1U,{rating}")

    [row] = rows_of("ratings", text)

    assert row.skip_reason == reason
    assert row.fact == Fact.RATING
    assert row.film.title == "Tsotsi"
    assert row.rating is None


def test_a_bad_date_skips_its_row_with_the_reason():
    text = lines("Date,Name,Year,Letterboxd URI,Rating", "25/01/2016,Tsotsi,2005,https://boxd.it/Ym1U,3")

    [row] = rows_of("ratings", text)

    assert row.skip_reason == "bad date '25/01/2016'"


def test_letterboxd_reviews_keep_multi_line_text_and_rows_are_numbered_by_record():
    text = lines(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
        '2017-10-03,Blackthorn,2011,https://boxd.it/fpymT6k,,Yes,"Déjà vu,\r\n\r\nin a ""good"" way.",'
        '"rainy day, comfort",2017-10-02',
        "2017-11-01,Bound,1996,https://boxd.it/abc,4,,Tight.,,",
    )

    first, second = rows_of("reviews", text, "reviews.csv")

    assert first.fact == Fact.REVIEW
    assert first.review == 'Déjà vu,\r\n\r\nin a "good" way.'
    assert first.rating is None
    assert first.rewatch is True
    assert first.tags == ("rainy day", "comfort")
    assert first.watched_on == datetime.date(2017, 10, 2)
    assert first.film.key == "https://boxd.it/fpymT6k"
    assert (first.line, second.line) == (2, 3)
    assert (second.rating, second.rewatch, second.watched_on, second.tags) == (4.0, False, None, ())


def test_a_diary_entry_is_watched_on_its_watched_date_else_on_its_date():
    text = lines(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
        '2016-02-14,Lockout,2012,https://boxd.it/zjm0Kwa,3.5,Yes,"rainy day, comfort",2016-02-12',
        "2016-03-19,Hard Rain,1998,https://boxd.it/63aNvA0,,,,",
        "2016-03-20,Hard Rain,1998,https://boxd.it/x,,,,2016-02-30",
    )

    dated, undated, bad = rows_of("diary", text, "diary.csv")

    assert dated.fact == Fact.DIARY
    assert (dated.watched_on, dated.date) == (datetime.date(2016, 2, 12), datetime.date(2016, 2, 14))
    assert (dated.rating, dated.rewatch, dated.tags) == (3.5, True, ("rainy day", "comfort"))
    assert (undated.watched_on, undated.rating, undated.rewatch) == (datetime.date(2016, 3, 19), None, False)
    assert bad.skip_reason == "bad watched date '2016-02-30'"


@pytest.mark.parametrize(
    ("kind", "fact"), [("watched", Fact.WATCHED), ("watchlist", Fact.WATCHLIST), ("likes", Fact.LIKE)]
)
def test_letterboxd_marks_are_dated(kind, fact):
    text = lines("Date,Name,Year,Letterboxd URI", "2016-01-24,Ender's Game,2013,https://boxd.it/8w7A", "")

    [row] = rows_of(kind, text)

    assert (row.fact, row.date, row.film.title, row.film.year) == (
        fact,
        datetime.date(2016, 1, 24),
        "Ender's Game",
        2013,
    )


LIST_FILE = lines(
    "Letterboxd list export v7",
    "Date,Name,Tags,URL,Description",
    '2019-12-30,"Rain, tea & ""comfort"" films","favourites, mine",https://boxd.it/TufaZ,"For grey Sundays.',
    'Second line."',
    "",
    "Position,Name,Year,URL,Description",
    '1,Sunshine Cleaning,2008,https://boxd.it/uT7F,"Still ""holds"" up."',
    "2,St. Vincent,2014,https://boxd.it/w4lH,",
    "x,Boyhood,2014,https://boxd.it/rkP0,",
)


def test_a_letterboxd_list_gives_its_items_with_the_list_positions_and_notes():
    first, second, bad = rows_of("list", LIST_FILE, "lists/rain.csv")

    film_list = ListInfo(
        name='Rain, tea & "comfort" films',
        description="For grey Sundays.\r\nSecond line.",
        key="https://boxd.it/TufaZ",
    )
    assert first.fact == Fact.LIST_ITEM
    assert first.film_list == film_list
    assert (first.position, first.note, first.film.key) == (1, 'Still "holds" up.', "https://boxd.it/uT7F")
    assert (second.position, second.note, second.film.title) == (2, "", "St. Vincent")
    # Records, not physical lines: the preamble is 1, the list's header 2, its row 3, the blank line 4.
    assert (first.line, second.line, bad.line) == (6, 7, 8)
    assert bad.skip_reason == "bad position 'x'"


def test_a_letterboxd_list_without_the_preamble_line_reads_the_same():
    text = LIST_FILE.split("\r\n", 1)[1]

    rows = rows_of("list", text)

    assert [row.position for row in rows[:2]] == [1, 2]
    assert rows[0].line == 5


def test_a_list_whose_items_have_other_columns_is_refused():
    text = lines("Date,Name,Tags,URL,Description", "2019-12-30,Mine,,https://boxd.it/T,", "", "Rank,Film")

    with pytest.raises(FormatError) as refused:
        rows_of("list", text, "lists/mine.csv")

    assert refused.value.code == "unknown_headers"
    assert refused.value.message.startswith("lists/mine.csv: unknown columns: Rank, Film; missing columns: Position")


def test_unknown_columns_refuse_the_file_naming_them():
    text = lines("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date,Foo,Bar")

    with pytest.raises(FormatError) as refused:
        rows_of("diary", text, "diary.csv")

    assert refused.value.code == "unknown_headers"
    assert refused.value.message == (
        "diary.csv: unknown columns: Foo, Bar; expected Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"
    )


def test_missing_columns_refuse_the_file_too():
    with pytest.raises(FormatError, match=r"ratings\.csv: missing columns: Rating"):
        rows_of("ratings", lines("Date,Name,Year,Letterboxd URI"), "ratings.csv")


def test_an_empty_file_has_no_rows():
    assert rows_of("diary", "") == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("watched.csv", "watched"),
        ("my-watchlist.csv", "watchlist"),
        ("films.csv", "likes"),
        ("likes-films.csv", "likes"),
    ],
)
def test_a_lone_file_with_the_shared_columns_is_told_by_its_name(name, kind):
    assert letterboxd.kind_for_file(name, ["Date", "Name", "Year", "Letterboxd URI"]) == kind


def test_a_lone_file_with_the_shared_columns_and_no_telling_name_is_ambiguous():
    with pytest.raises(FormatError) as refused:
        letterboxd.kind_for_file("export.csv", ["Date", "Name", "Year", "Letterboxd URI"])

    assert refused.value.code == "ambiguous_file"
    assert "export.csv" in refused.value.message


# Letterboxd's import format ------------------------------------------------------------------------------------

IMPORT_HEADER = "Title,Year,tmdbID,imdbID,WatchedDate,Rating,Rewatch,Review,Tags"


def test_an_import_row_with_a_watched_date_and_a_review_is_a_review_then_a_diary_entry():
    text = lines(IMPORT_HEADER, 'Heat,1995,949,tt0113277,2024-03-02,4.5,true,"Long, and good.",')

    review, entry = rows_of("import_csv", text, "letterboxd-import.csv")

    film = FilmRef(title="Heat", year=1995, tmdb_id=949, imdb_id="tt0113277")
    assert (review.fact, review.film, review.rating, review.review) == (Fact.REVIEW, film, 4.5, "Long, and good.")
    assert (entry.fact, entry.film, entry.rating, entry.review) == (Fact.DIARY, film, 4.5, "")
    assert entry.watched_on == review.watched_on == datetime.date(2024, 3, 2)
    assert entry.rewatch is True
    assert review.line == entry.line == 2


def test_import_rows_without_a_watched_date_are_reviews_ratings_or_watched_marks():
    text = lines(
        IMPORT_HEADER,
        "Heat,1995,949,,2024-03-02,,false,,",
        "Heat,1995,949,,,4,,,",
        "Heat,1995,949,,,,,Fine.,",
        "Heat,1995,949,,,,,,",
    )

    diary, rating, review, watched = rows_of("import_csv", text)

    assert (diary.fact, diary.rating, diary.rewatch) == (Fact.DIARY, None, False)
    assert (rating.fact, rating.rating) == (Fact.RATING, 4.0)
    assert (review.fact, review.rating, review.review) == (Fact.REVIEW, None, "Fine.")
    assert (watched.fact, watched.rating, watched.date) == (Fact.WATCHED, None, None)


def test_the_import_format_takes_any_subset_of_its_columns_in_any_case_and_halves_rating10():
    text = lines("title,RATING10,imdbid", "Heat,9,tt0113277", "Ronin,11,nm123")

    good, bad = rows_of("import_csv", text)

    assert (good.fact, good.rating, good.film.imdb_id, good.film.title) == (Fact.RATING, 4.5, "tt0113277", "Heat")
    assert bad.skip_reason == "rating '11' is not 1 to 10"
    assert bad.film.imdb_id == ""


def test_import_cells_a_spreadsheet_safe_export_quoted_are_read_back_as_they_were():
    text = lines("Title,Year,Review,Tags", "'-Ink,2009,\"' =1+1, honestly\",'@home", "'Twas,2001,'fine',")

    ink, twas = rows_of("import_csv", text)

    assert (ink.film.title, ink.review, ink.tags) == ("-Ink", " =1+1, honestly", ("@home",))
    assert (twas.film.title, twas.review) == ("'Twas", "'fine'")


def test_an_import_row_naming_no_film_is_skipped():
    [row] = rows_of("import_csv", lines("Title,Year,Rating", ",1995,4"))

    assert row.skip_reason == "no Title, tmdbID or imdbID"


def test_the_import_format_refuses_unknown_columns():
    with pytest.raises(FormatError, match="unknown columns: Stars"):
        rows_of("import_csv", lines("Title,Stars", "Heat,4"), "mine.csv")


# IMDb ---------------------------------------------------------------------------------------------------------

IMDB_RATINGS_HEADER = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors"
)


def imdb_rating(const, rating, title_type, title="Heat"):
    return (
        f"{const},{rating},2024-11-01,{title},{title},https://www.imdb.com/title/{const}/,{title_type},8.3,170,1995,"
        f'"Crime, Drama",700000,1995-12-15,Michael Mann'
    )


def test_imdb_ratings_are_halved_and_keyed_by_the_const():
    text = lines(IMDB_RATINGS_HEADER, imdb_rating("tt0113277", 9, "movie"), imdb_rating("tt0113278", 1, "Movie"))

    heat, other = rows_of("imdb_ratings", text, "ratings.csv")

    assert heat.fact == Fact.RATING
    assert heat.film == FilmRef(title="Heat", year=1995, imdb_id="tt0113277", key="tt0113277")
    assert (heat.rating, heat.date, heat.line) == (4.5, datetime.date(2024, 11, 1), 2)
    assert other.rating == 0.5


@pytest.mark.parametrize("title_type", ["TV Movie", "tvMovie", "Video", "video", "Short"])
def test_imdb_film_like_title_types_are_read(title_type):
    [row] = rows_of("imdb_ratings", lines(IMDB_RATINGS_HEADER, imdb_rating("tt1", 8, title_type)))

    assert not row.skip_reason
    assert row.rating == 4.0


@pytest.mark.parametrize(
    "title_type", ["TV Series", "TV Mini Series", "TV Episode", "tvSeries", "tvEpisode", "tvMiniSeries", "Video Game"]
)
def test_imdb_series_episodes_and_games_are_skipped_with_their_title_type(title_type):
    [row] = rows_of("imdb_ratings", lines(IMDB_RATINGS_HEADER, imdb_rating("tt0306414", 10, title_type, "The Wire")))

    assert row.skip_reason == title_type
    assert (row.fact, row.film.title, row.film.key) == (Fact.RATING, "The Wire", "tt0306414")


def test_an_older_imdb_export_without_original_title_is_read():
    header = IMDB_RATINGS_HEADER.replace("Original Title,", "")
    record = "tt0113277,7,2020-01-02,Heat,https://www.imdb.com/title/tt0113277/,movie,8.3,170,1995,Crime,7,1995-12-15,M"

    [row] = rows_of("imdb_ratings", lines(header, record))

    assert (row.rating, row.film.year, row.date) == (3.5, 1995, datetime.date(2020, 1, 2))


def test_an_imdb_rating_off_its_scale_is_skipped():
    [row] = rows_of("imdb_ratings", lines(IMDB_RATINGS_HEADER, imdb_rating("tt1", 7.5, "movie")))

    assert row.skip_reason == "rating '7.5' is not 1 to 10"


IMDB_LIST_HEADER = (
    "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),"
    "Year,Genres,Num Votes,Release Date,Directors,Your Rating,Date Rated"
)


def imdb_item(position, const, title_type, description=""):
    return (
        f"{position},{const},2016-01-21,2016-01-22,{description},The Forest,The Forest,"
        f"https://www.imdb.com/title/{const}/,{title_type},4.7,95,2016,Horror,23813,2016-01-07,Jason Zada,,"
    )


def test_an_imdb_watchlist_gives_dated_watchlist_entries_and_skips_series():
    text = lines(IMDB_LIST_HEADER, imdb_item(1, "tt1255433", "Movie"), imdb_item(2, "tt0098936", "TV Series"))

    film, series = rows_of("imdb_watchlist", text, "WATCHLIST.csv")

    assert (film.fact, film.date, film.film.imdb_id, film.film_list) == (
        Fact.WATCHLIST,
        datetime.date(2016, 1, 21),
        "tt1255433",
        None,
    )
    assert series.skip_reason == "TV Series"


def test_an_imdb_list_gives_list_items_named_after_the_file():
    text = lines(IMDB_LIST_HEADER, imdb_item(1, "tt1255433", "movie", "Scary."), imdb_item(2, "tt2", "tvEpisode"))

    item, episode = rows_of("imdb_list", text, "imdb/best-heist_films.csv")

    assert item.fact == Fact.LIST_ITEM
    assert item.film_list == ListInfo(name="Best heist films")
    assert (item.position, item.note, item.date) == (1, "Scary.", datetime.date(2016, 1, 21))
    assert episode.skip_reason == "tvEpisode"


def test_an_imdb_list_file_named_by_its_id_keeps_the_id_as_the_list_key():
    [item] = rows_of("imdb_list", lines(IMDB_LIST_HEADER, imdb_item(1, "tt1", "movie")), "ls012345678.csv")

    assert item.film_list == ListInfo(name="Ls012345678", key="ls012345678")


@pytest.mark.parametrize(
    ("name", "header", "kind"),
    [
        ("ratings.csv", IMDB_RATINGS_HEADER, "imdb_ratings"),
        ("my-watchlist.csv", IMDB_LIST_HEADER, "imdb_watchlist"),
        ("heists.csv", IMDB_LIST_HEADER, "imdb_list"),
        ("ratings.csv", "Date,Name,Year,Letterboxd URI,Rating", None),
    ],
)
def test_imdb_files_are_known_by_their_const_column(name, header, kind):
    assert imdb.kind_for(name, header.split(",")) == kind


# Trakt --------------------------------------------------------------------------------------------------------


def trakt_movie(trakt_id, title="Prometheus", year=2012, tmdb=70981, imdb="tt1446714"):
    return {"title": title, "year": year, "ids": {"trakt": trakt_id, "slug": "x", "imdb": imdb, "tmdb": tmdb}}


def json_rows(kind, items, file="items.json"):
    return rows_of(kind, json.dumps(items), file)


def test_trakt_ratings_are_halved_and_dated_to_the_second():
    items = [
        {"rated_at": "2024-12-04T16:07:46.000Z", "rating": 7, "type": "movie", "movie": trakt_movie(1)},
        {"rated_at": "2024-12-05T10:00:00.000Z", "rating": 9, "type": "show", "show": {"title": "The Wire"}},
        {"rated_at": "2024-12-06T10:00:00.000Z", "rating": 0, "type": "movie", "movie": trakt_movie(2)},
    ]

    film, show, zero = json_rows("trakt_ratings", items, "ratings-movies.json")

    assert film.fact == Fact.RATING
    assert film.film == FilmRef(title="Prometheus", year=2012, tmdb_id=70981, imdb_id="tt1446714", key="trakt:1")
    assert film.rating == 3.5
    assert film.date == datetime.datetime(2024, 12, 4, 16, 7, 46, tzinfo=UTC)
    assert (film.line, show.line) == (1, 2)
    assert (show.skip_reason, show.film.title) == ("TV Show", "The Wire")
    assert zero.skip_reason == "rating 0 is not 1 to 10"


def test_trakt_watched_films_are_dated_by_their_last_play():
    items = [{"plays": 2, "last_watched_at": "2024-12-10T08:55:20.000Z", "movie": trakt_movie(5, tmdb=None)}]

    [row] = json_rows("trakt_watched", items)

    assert (row.fact, row.date) == (Fact.WATCHED, datetime.datetime(2024, 12, 10, 8, 55, 20, tzinfo=UTC))
    assert row.film.tmdb_id is None
    assert row.film.imdb_id == "tt1446714"


def test_the_trakt_watchlist_skips_what_is_not_a_film():
    items = [
        {"rank": 1, "listed_at": "2016-04-07T14:58:14.000Z", "type": "movie", "movie": trakt_movie(3)},
        {"rank": 2, "listed_at": "2016-04-08T14:58:14.000Z", "type": "episode", "episode": {"title": "Pilot"}},
        {"rank": 3, "listed_at": "2016-04-09T14:58:14.000Z", "type": "season", "season": {"number": 1}},
    ]

    film, episode, season = json_rows("trakt_watchlist", items)

    assert (film.fact, film.date.date()) == (Fact.WATCHLIST, datetime.date(2016, 4, 7))
    assert (episode.skip_reason, season.skip_reason) == ("TV Episode", "TV Season")


def test_trakt_plays_after_a_films_first_are_rewatches_whatever_the_file_order():
    def play(trakt_id, when, kind="movie"):
        return {"id": 1, "watched_at": when, "action": "watch", "type": kind, kind: trakt_movie(trakt_id)}

    items = [
        play(1, "2024-03-01T20:00:00.000Z"),
        play(2, "2024-02-01T20:00:00.000Z"),
        play(1, "2023-12-31T23:30:00.000-02:00"),
        play(1, "2024-01-15T20:00:00.000Z"),
        play(7, "2024-01-01T20:00:00.000Z", "episode"),
    ]

    rows = json_rows("trakt_history", items, "watched-history.json")

    assert [row.fact for row in rows] == [Fact.DIARY] * 5
    assert [row.rewatch for row in rows[:4]] == [True, False, False, True]
    # The date in UTC: 23:30 at -02:00 is the next day.
    assert rows[2].watched_on == datetime.date(2024, 1, 1)
    assert rows[4].skip_reason == "TV Episode"


def test_a_trakt_file_that_is_not_a_list_of_items_is_refused():
    with pytest.raises(FormatError, match=r"ratings-movies\.json: expected a JSON list of Trakt items"):
        rows_of("trakt_ratings", json.dumps({"rating": 7}), "ratings-movies.json")


@pytest.mark.parametrize(
    ("name", "first", "kind"),
    [
        ("watched-history.json", {}, "trakt_history"),
        ("mine.json", {"rated_at": "x"}, "trakt_ratings"),
        ("mine.json", {"watched_at": "x"}, "trakt_history"),
        ("mine.json", {"last_watched_at": "x"}, "trakt_watched"),
        ("mine.json", {"listed_at": "x"}, "trakt_watchlist"),
        ("mine.json", {"name": "x"}, None),
    ],
)
def test_trakt_files_are_known_by_name_else_by_their_items_date(name, first, kind):
    assert trakt.kind_for_document(name, [first]) == kind


# A FlixReview export ------------------------------------------------------------------------------------------

FILM = {"id": 12, "title": "Heat", "year": 1995, "tmdb_id": 949, "imdb_id": "tt0113277"}
OTHER = {"id": 13, "title": "Ronin", "year": 1998, "tmdb_id": None, "imdb_id": ""}
T1 = "2024-05-01T10:00:00+00:00"


def export_document(**sections):
    document = {"format": "flixreview-export/1", "exported_at": T1, "profile": {"username": "ilse"}}
    return {**document, **sections}


def test_an_export_gives_its_facts_section_by_section():
    document = export_document(
        reviews=[{"film": FILM, "rating": 3.5, "body": "Tense.", "created_at": T1, "updated_at": T1}],
        diary=[{"film": FILM, "watched_on": "2024-04-30", "rewatch": True, "rating": None, "created_at": T1}],
        watched=[{"film": OTHER, "created_at": T1}],
        watchlist=[{"film": OTHER, "created_at": T1}],
        likes=[{"film": FILM, "created_at": T1}],
        not_interested=[{"film": OTHER, "created_at": T1}],
        lists=[
            {
                "name": "Heists",
                "description": "Jobs.",
                "ranked": True,
                "public": False,
                "created_at": T1,
                "items": [{"position": 1, "film": FILM, "note": "The best."}, {"position": 2, "film": OTHER}],
            }
        ],
        comments=[{"on": "list", "list_id": 1, "about": "Heists", "body": "Hi", "created_at": T1, "edited_at": None}],
    )

    rows = rows_of("export_json", json.dumps(document), "flixreview-export.json")

    facts = [Fact.REVIEW, Fact.DIARY, Fact.WATCHED, Fact.WATCHLIST, Fact.LIKE, Fact.NOT_INTERESTED]
    assert [row.fact for row in rows] == [*facts, Fact.LIST_ITEM, Fact.LIST_ITEM]
    assert [row.line for row in rows] == list(range(1, 9))
    assert [row.extra["section"] for row in rows] == [
        "reviews",
        "diary",
        "watched",
        "watchlist",
        "likes",
        "not_interested",
        "lists",
        "lists",
    ]
    review, diary, watched = rows[:3]
    assert review.film == FilmRef(title="Heat", year=1995, tmdb_id=949, imdb_id="tt0113277")
    assert (review.rating, review.review, review.date) == (3.5, "Tense.", datetime.datetime(2024, 5, 1, 10, tzinfo=UTC))
    assert (diary.watched_on, diary.rewatch, diary.rating) == (datetime.date(2024, 4, 30), True, None)
    assert watched.film == FilmRef(title="Ronin", year=1998)
    heists = ListInfo(name="Heists", description="Jobs.", ranked=True, public=False)
    assert [(row.film_list, row.position, row.note) for row in rows[6:]] == [(heists, 1, "The best."), (heists, 2, "")]
    assert not any(row.skip_reason for row in rows)


def test_an_export_row_without_its_values_is_skipped():
    document = export_document(
        diary=[{"film": FILM, "watched_on": None, "created_at": T1}], reviews=[{"film": None, "rating": 3}]
    )

    review, diary = rows_of("export_json", json.dumps(document))

    assert (review.skip_reason, review.extra) == ("no film", {"section": "reviews"})
    assert diary.skip_reason == "no watched_on"


def test_a_document_of_another_format_is_refused():
    with pytest.raises(FormatError, match="not a FlixReview export"):
        rows_of("export_json", json.dumps({"format": "something/2"}), "x.json")
    assert flixreview.is_export(export_document())


def test_half_star_ratings_are_checked_on_their_scale():
    assert parse_rating("4.5") == 4.5
    assert parse_rating(10, scale=2) == 5
    assert parse_rating(None) is None
