"""Opening an upload: what is refused (and how it is said), which source it is, which files are read in which order,
how many rows they hold, and reading them from a checkpoint on. Plain Python: no database."""

import io
import json
import stat
import struct
import zipfile

import pytest

from imports.history import upload as upload_module
from imports.history.rows import Fact, Source
from imports.history.upload import HistoryFile, UploadRefused, open_upload

BOM = "\ufeff"


def csv_text(*records):
    return "".join(f"{record}\r\n" for record in records)


def make_zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def refusal(data, name="upload.zip", source=None):
    with pytest.raises(UploadRefused) as refused:
        open_upload(data, name, source)
    return refused.value


RATINGS = BOM + csv_text(
    "Date,Name,Year,Letterboxd URI,Rating",
    "2016-01-11,The Ridiculous 6,2015,https://boxd.it/zGOC,3",
    "2016-01-25,Tsotsi,2005,https://boxd.it/Ym1U,",
)
REVIEWS = csv_text(
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date",
    '2017-10-03,Blackthorn,2011,https://boxd.it/fpymT6k,3.5,,"Déjà vu.\n\nIn a good way.",,2017-10-02',
)
DIARY = BOM + csv_text(
    "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
    "2016-01-25,Tsotsi,2005,https://boxd.it/Xmc3O6Q,3.5,,,2016-01-22",
    "2016-02-14,Lockout,2012,https://boxd.it/zjm0Kwa,3.5,Yes,,2016-02-12",
)
MARKS = csv_text("Date,Name,Year,Letterboxd URI", "2016-01-11,The Ridiculous 6,2015,https://boxd.it/zGOC")
LIST = BOM + csv_text(
    "Letterboxd list export v7",
    "Date,Name,Tags,URL,Description",
    "2022-04-15,Best of the decade,,https://boxd.it/2pqhz,My ranking.",
    "",
    "Position,Name,Year,URL,Description",
    "1,Sunshine Cleaning,2008,https://boxd.it/uT7F,Still holds up.",
    "2,St. Vincent,2014,https://boxd.it/w4lH,",
)
LETTERBOXD = {
    "profile.csv": "Date Joined,Username\r\n2015-11-02,ilsevee\r\n",
    "comments.csv": "Date,Content,Comment\r\n",
    "watched.csv": MARKS,
    "ratings.csv": RATINGS,
    "lists/best.csv": LIST,
    "diary.csv": DIARY,
    "reviews.csv": REVIEWS,
    "watchlist.csv": MARKS,
    "likes/films.csv": MARKS,
    "likes/reviews.csv": MARKS,
    "likes/lists.csv": "Date,Name,Username,URL\r\n",
    "deleted/diary.csv": DIARY,
    "orphaned/diary.csv": DIARY,
    "notes.txt": "hello",
}


# A Letterboxd export ------------------------------------------------------------------------------------------


def test_a_letterboxd_export_reads_its_files_in_fact_order_and_ignores_the_rest():
    upload = open_upload(make_zip(LETTERBOXD), "letterboxd-ilsevee-2025-01-12-09-41-utc.zip")

    assert upload.source == Source.LETTERBOXD
    assert upload.files == [
        HistoryFile("ratings.csv", "ratings", 2),
        HistoryFile("reviews.csv", "reviews", 1),
        HistoryFile("diary.csv", "diary", 2),
        HistoryFile("watched.csv", "watched", 1),
        HistoryFile("watchlist.csv", "watchlist", 1),
        HistoryFile("likes/films.csv", "likes", 1),
        HistoryFile("lists/best.csv", "list", 2),
    ]
    assert sorted(upload.ignored) == sorted(
        [
            "profile.csv",
            "comments.csv",
            "likes/reviews.csv",
            "likes/lists.csv",
            "deleted/diary.csv",
            "orphaned/diary.csv",
            "notes.txt",
        ]
    )
    assert upload.total_rows == 10


def test_the_rows_of_an_export_come_in_reading_order_with_their_files_and_lines():
    upload = open_upload(make_zip(LETTERBOXD), "export.zip")

    rows = list(upload.rows())

    assert len(rows) == upload.total_rows
    assert [(row.file, row.line, row.fact) for row in rows] == [
        ("ratings.csv", 2, Fact.RATING),
        ("ratings.csv", 3, Fact.RATING),
        ("reviews.csv", 2, Fact.REVIEW),
        ("diary.csv", 2, Fact.DIARY),
        ("diary.csv", 3, Fact.DIARY),
        ("watched.csv", 2, Fact.WATCHED),
        ("watchlist.csv", 2, Fact.WATCHLIST),
        ("likes/films.csv", 2, Fact.LIKE),
        ("lists/best.csv", 6, Fact.LIST_ITEM),
        ("lists/best.csv", 7, Fact.LIST_ITEM),
    ]
    # A BOM does not stick to the first column's name; an empty rating is no rating, and the row is skipped.
    assert (rows[0].film.title, rows[0].rating) == ("The Ridiculous 6", 3.0)
    assert rows[1].skip_reason == "no rating"
    assert rows[2].review == "Déjà vu.\n\nIn a good way."
    assert rows[4].rewatch is True
    assert rows[8].film_list.name == "Best of the decade"


@pytest.mark.parametrize("start", [-1, 0, 1, 2, 3, 5, 9, 10, 11])
def test_rows_resume_after_a_checkpoint(start):
    upload = open_upload(make_zip(LETTERBOXD), "export.zip")
    everything = list(upload.rows())

    assert list(upload.rows(start=start)) == everything[max(start, 0) :]


def test_an_export_under_one_top_folder_is_read_as_if_it_were_not():
    members = {f"letterboxd-ilsevee/{name}": content for name, content in LETTERBOXD.items()}
    members["__MACOSX/letterboxd-ilsevee/._ratings.csv"] = b"\x00\x05\x16\x07"

    upload = open_upload(make_zip(members), "export.zip")

    assert [file.name for file in upload.files][:3] == ["ratings.csv", "reviews.csv", "diary.csv"]
    assert "__MACOSX/letterboxd-ilsevee/._ratings.csv" in upload.ignored
    assert next(upload.rows()).file == "ratings.csv"


def test_a_lone_letterboxd_csv_is_known_by_its_columns():
    upload = open_upload(DIARY.encode(), "my diary (1).csv")

    assert (upload.source, upload.files) == (Source.LETTERBOXD, [HistoryFile("my diary (1).csv", "diary", 2)])
    assert upload.ignored == []


def test_a_lone_list_file_is_known_by_its_first_lines():
    upload = open_upload(LIST.encode(), "best.csv")

    assert upload.files == [HistoryFile("best.csv", "list", 2)]


@pytest.mark.parametrize(("name", "kind"), [("watchlist.csv", "watchlist"), ("films.csv", "likes")])
def test_a_lone_file_with_shared_columns_is_told_by_its_name(name, kind):
    assert open_upload(MARKS.encode(), name).files[0].kind == kind


def test_a_lone_file_with_shared_columns_and_no_telling_name_is_refused_as_ambiguous():
    refused = refusal(MARKS.encode(), "export.csv")

    assert refused.code == "ambiguous_file"
    assert refused.message.startswith("export.csv: the columns Date,Name,Year,Letterboxd URI are those of")


def test_a_letterboxd_import_format_csv_is_read():
    text = csv_text(
        "Title,Year,tmdbID,imdbID,WatchedDate,Rating,Rewatch,Review,Tags", "Heat,1995,949,,2024-01-02,4,,Ok,"
    )

    upload = open_upload(text.encode(), "import.csv")

    assert (upload.source, upload.files) == (Source.LETTERBOXD, [HistoryFile("import.csv", "import_csv", 2)])
    assert [row.fact for row in upload.rows()] == [Fact.REVIEW, Fact.DIARY]


# IMDb and Trakt -----------------------------------------------------------------------------------------------

IMDB_RATINGS = csv_text(
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
    "Num Votes,Release Date,Directors",
    "tt0113277,9,2024-11-01,Heat,Heat,https://www.imdb.com/title/tt0113277/,movie,8.3,170,1995,Crime,7,1995-12-15,M",
    "tt0306414,10,2024-11-02,The Wire,The Wire,https://www.imdb.com/title/tt0306414/,TV Series,9.3,60,2002,Crime,7,,",
)
IMDB_LIST = csv_text(
    "Position,Const,Created,Modified,Description,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),"
    "Year,Genres,Num Votes,Release Date,Directors,Your Rating,Date Rated",
    "1,tt1255433,2016-01-21,2016-01-21,,The Forest,The Forest,https://www.imdb.com/title/tt1255433/,Movie,4.7,95,"
    "2016,Horror,23813,2016-01-07,Jason Zada,,",
)


def test_an_imdb_ratings_csv_is_known_by_its_const_column_even_named_like_letterboxds():
    upload = open_upload(IMDB_RATINGS.encode(), "ratings.csv")

    assert (upload.source, upload.files) == (Source.IMDB, [HistoryFile("ratings.csv", "imdb_ratings", 2)])
    heat, wire = upload.rows()
    assert (heat.rating, wire.skip_reason) == (4.5, "TV Series")


@pytest.mark.parametrize(("name", "kind"), [("WATCHLIST.csv", "imdb_watchlist"), ("heists.csv", "imdb_list")])
def test_an_imdb_list_csv_is_a_watchlist_by_its_name(name, kind):
    assert open_upload(IMDB_LIST.encode(), name).files == [HistoryFile(name, kind, 1)]


def test_imdb_csvs_in_a_zip_are_read_ratings_first():
    upload = open_upload(make_zip({"watchlist.csv": IMDB_LIST, "ratings.csv": IMDB_RATINGS}), "imdb.zip")

    assert upload.source == Source.IMDB
    assert [file.kind for file in upload.files] == ["imdb_ratings", "imdb_watchlist"]


def trakt_item(date_field, trakt_id=1, **more):
    movie = {"title": "Heat", "year": 1995, "ids": {"trakt": trakt_id, "imdb": "tt0113277", "tmdb": 949}}
    return {date_field: "2024-12-04T16:07:46.000Z", "type": "movie", "movie": movie, **more}


def test_a_trakt_export_zip_reads_its_film_files_and_ignores_the_others():
    members = {
        "trakt/lists-watchlist.json": json.dumps([trakt_item("listed_at")]),
        "trakt/watched-movies.json": json.dumps([trakt_item("last_watched_at", plays=1)]),
        "trakt/ratings-movies.json": json.dumps(
            [trakt_item("rated_at", rating=8), trakt_item("rated_at", 2, rating=6)]
        ),
        "trakt/watched-history.json": json.dumps([trakt_item("watched_at"), trakt_item("watched_at")]),
        "trakt/ratings-shows.json": json.dumps([]),
        "trakt/user-profile.json": json.dumps({"username": "ilse"}),
    }

    upload = open_upload(make_zip(members), "trakt-export.zip")

    assert upload.source == Source.TRAKT
    assert upload.files == [
        HistoryFile("ratings-movies.json", "trakt_ratings", 2),
        HistoryFile("watched-history.json", "trakt_history", 2),
        HistoryFile("watched-movies.json", "trakt_watched", 1),
        HistoryFile("lists-watchlist.json", "trakt_watchlist", 1),
    ]
    assert sorted(upload.ignored) == ["ratings-shows.json", "user-profile.json"]
    assert [row.fact for row in upload.rows(start=1)] == [
        Fact.RATING,
        Fact.DIARY,
        Fact.DIARY,
        Fact.WATCHED,
        Fact.WATCHLIST,
    ]


def test_a_lone_trakt_json_is_known_by_its_name_or_by_its_items():
    by_name = open_upload(json.dumps([trakt_item("rated_at", rating=8)]).encode(), "ratings-movies.json")
    by_shape = open_upload(json.dumps([trakt_item("listed_at")]).encode(), "my-watchlist (2).json")

    assert (by_name.source, by_name.files[0].kind) == (Source.TRAKT, "trakt_ratings")
    assert (by_shape.source, by_shape.files[0].kind) == (Source.TRAKT, "trakt_watchlist")


def test_json_of_no_known_shape_is_refused():
    refused = refusal(json.dumps([{"name": "x"}]).encode(), "data.json")

    assert (refused.code, refused.message) == ("unknown_format", "data.json: not a Trakt or FlixReview export file")
    assert refusal(b"[1, 2", "ratings-movies.json").code == "unknown_format"


# A FlixReview export ------------------------------------------------------------------------------------------

FILM = {"id": 1, "title": "Heat", "year": 1995, "tmdb_id": 949, "imdb_id": ""}
EXPORT = {
    "format": "flixreview-export/1",
    "reviews": [{"film": FILM, "rating": 4, "body": "Yes.", "created_at": "2024-01-01T00:00:00+00:00"}],
    "likes": [{"film": FILM, "created_at": "2024-01-01T00:00:00+00:00"}],
    "not_interested": [{"film": FILM, "created_at": "2024-01-01T00:00:00+00:00"}],
}
EXPORT_CSV = csv_text("Title,Year,tmdbID,imdbID,WatchedDate,Rating,Rewatch,Review,Tags", "Heat,1995,949,,,4,,Yes.,")


def test_a_flixreview_export_zip_reads_its_json_and_not_its_csv():
    data = make_zip({"letterboxd-import.csv": EXPORT_CSV, "flixreview-export.json": json.dumps(EXPORT)})

    upload = open_upload(data, "flixreview-ilse-2025-01-12.zip")

    assert upload.source == Source.FLIXREVIEW
    assert upload.files == [HistoryFile("flixreview-export.json", "export_json", 3)]
    assert upload.ignored == ["letterboxd-import.csv"]
    assert [row.fact for row in upload.rows()] == [Fact.REVIEW, Fact.LIKE, Fact.NOT_INTERESTED]


def test_a_flixreview_export_zip_opened_as_letterboxd_reads_its_csv():
    data = make_zip({"letterboxd-import.csv": EXPORT_CSV, "flixreview-export.json": json.dumps(EXPORT)})

    upload = open_upload(data, "flixreview-ilse-2025-01-12.zip", Source.LETTERBOXD)

    assert upload.files == [HistoryFile("letterboxd-import.csv", "import_csv", 1)]
    assert upload.ignored == ["flixreview-export.json"]


def test_a_lone_export_json_is_known_by_its_format():
    upload = open_upload(json.dumps(EXPORT).encode(), "backup.json")

    assert (upload.source, upload.total_rows) == (Source.FLIXREVIEW, 3)


# Refusals -----------------------------------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(upload_module, "MAX_UPLOAD_BYTES", 100)

    data = RATINGS.encode() * 3

    refused = refusal(data, "ratings.csv")

    assert refused.code == "too_large"
    assert refused.message == f"ratings.csv is {len(data)} bytes; uploads are limited to 100 bytes"
    assert open_upload(data[:100], "ratings.csv").source == Source.LETTERBOXD


def test_a_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(upload_module, "MAX_ZIP_MEMBERS", 3)

    refused = refusal(make_zip({f"lists/{n}.csv": LIST for n in range(4)}), "big.zip")

    assert (refused.code, refused.message) == ("too_many_members", "big.zip holds 4 files; at most 3 are accepted")


def test_the_default_limits_are_those_of_the_issue():
    assert upload_module.MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert upload_module.MAX_ZIP_MEMBERS == 200
    assert upload_module.MAX_UNCOMPRESSED_BYTES == 100 * 1024 * 1024


def test_a_zip_declaring_more_than_the_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(upload_module, "MAX_UNCOMPRESSED_BYTES", 10_000)
    bomb = make_zip({"ratings.csv": RATINGS, "watched.csv": MARKS + " " * 20_000})

    refused = refusal(bomb, "bomb.zip")

    assert refused.code == "zip_bomb"
    assert len(bomb) < 2_000
    assert "bomb.zip unpacks to 20" in refused.message


def lie_about_size(data, member, size):
    """The ZIP with ``member``'s declared size changed in its local header and in the central directory."""
    patched = bytearray(data)
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = patched.find(signature)
        while at != -1:
            if patched[at + name_offset :].startswith(member.encode()):
                struct.pack_into("<I", patched, at + size_offset, size)
            at = patched.find(signature, at + 1)
    return bytes(patched)


def test_a_member_bigger_than_its_header_declares_is_refused():
    honest = make_zip({"ratings.csv": RATINGS, "watched.csv": MARKS * 50})
    lying = lie_about_size(honest, "watched.csv", 60)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("watched.csv").file_size == 60

    refused = refusal(lying, "export.zip")

    assert refused.code == "bad_zip"
    assert refused.message.startswith("watched.csv: the ZIP member cannot be read")


def test_the_unpacked_limit_also_holds_while_rows_are_read(monkeypatch):
    upload = open_upload(make_zip({"watched.csv": MARKS * 100}), "export.zip")
    monkeypatch.setattr(upload_module, "MAX_UNCOMPRESSED_BYTES", 1_000)

    with pytest.raises(UploadRefused) as refused:
        list(upload.rows())

    assert refused.value.code == "zip_bomb"
    assert refused.value.message.startswith("watched.csv: the upload unpacks to more than 1000 bytes")


@pytest.mark.parametrize("path", ["../x.csv", "lists/../../x.csv", "/abs.csv", "C:/x.csv", "lists\\..\\x.csv"])
def test_a_member_that_could_escape_its_folder_is_refused(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ratings.csv", RATINGS)
        archive.writestr(zipfile.ZipInfo(path), MARKS)

    refused = refusal(buffer.getvalue())

    assert refused.code == "unsafe_path"
    assert refused.message.startswith(f"{path}: unsafe path in the ZIP")


def test_a_symbolic_link_in_a_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ratings.csv", RATINGS)
        link = zipfile.ZipInfo("diary.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")

    refused = refusal(buffer.getvalue())

    assert (refused.code, refused.message) == ("unsafe_path", "diary.csv: a symbolic link in the ZIP; refused")


def test_an_encrypted_member_to_read_is_refused():
    data = bytearray(make_zip({"ratings.csv": RATINGS}, zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + offset, 1)

    refused = refusal(bytes(data))

    assert refused.code == "encrypted"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ratings.csv"),
        ("Date,Name\r\n2016-01-01,Caf\xe9\r\n".encode("latin-1"), "ratings.csv"),
        ("Date,Name\r\n".encode("utf-16"), "ratings.csv"),
    ],
)
def test_a_binary_or_non_utf8_file_is_refused(data, name):
    refused = refusal(data, name)

    assert refused.code == "binary"
    assert refused.message.startswith("ratings.csv is not a text file")


def test_a_binary_member_the_import_would_read_is_refused():
    refused = refusal(make_zip({"ratings.csv": RATINGS, "diary.csv": b"\x00\x01binary"}))

    assert refused.code == "binary"
    assert refused.message.startswith("diary.csv is not a text file")


def test_a_member_not_in_utf8_is_refused():
    refused = refusal(make_zip({"diary.csv": DIARY.lstrip(BOM).replace("Tsotsi", "Caf\xe9").encode("latin-1")}))

    assert refused.code == "binary"
    assert refused.message.startswith("diary.csv is not UTF-8 text")


def test_a_zip_member_with_unknown_columns_is_refused_naming_them():
    diary = csv_text("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date,Foo,Bar")

    refused = refusal(make_zip({"ratings.csv": RATINGS, "diary.csv": diary}))

    assert refused.code == "unknown_headers"
    assert refused.message == (
        "diary.csv: unknown columns: Foo, Bar; expected Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"
    )


def test_a_lone_csv_of_no_known_format_is_refused_naming_its_columns():
    refused = refusal(csv_text("When,What,Stars", "2024-01-01,Heat,4").encode(), "mine.csv")

    assert refused.code == "unknown_headers"
    assert refused.message.startswith("mine.csv: unknown columns: When, What, Stars; expected a Letterboxd, IMDb")


@pytest.mark.parametrize(
    ("data", "name", "source", "message"),
    [
        (RATINGS.encode(), "ratings.csv", Source.IMDB, "ratings.csv is a file from Letterboxd, not from IMDb"),
        (IMDB_RATINGS.encode(), "ratings.csv", "trakt", "ratings.csv is a file from IMDb, not from Trakt"),
        (
            make_zip(LETTERBOXD),
            "export.zip",
            Source.TRAKT,
            "export.zip holds no Trakt export files (its files are from Letterboxd)",
        ),
    ],
)
def test_a_chosen_source_the_content_contradicts_is_refused(data, name, source, message):
    refused = refusal(data, name, source)

    assert (refused.code, refused.message) == ("source_mismatch", message)


def test_a_chosen_source_that_agrees_is_taken():
    assert open_upload(make_zip(LETTERBOXD), "export.zip", Source.LETTERBOXD).source == Source.LETTERBOXD
    assert open_upload(IMDB_RATINGS.encode(), "ratings.csv", "imdb").source == Source.IMDB


def test_an_unknown_source_name_is_refused():
    assert refusal(RATINGS.encode(), "ratings.csv", "netflix").code == "unknown_source"


def test_a_zip_mixing_sources_is_refused():
    refused = refusal(make_zip({"diary.csv": DIARY, "imdb/ratings.csv": IMDB_RATINGS}), "mixed.zip")

    assert (refused.code, refused.message) == (
        "mixed_sources",
        "mixed.zip mixes IMDb and Letterboxd files; upload them separately or choose the source",
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b" \r\n", "empty"),
        (make_zip({}), "empty"),
        (make_zip({"readme.txt": "hi", "photo.csv": "x,y\r\n"}), "unknown_format"),
        (b"PK\x03\x04 not really a zip", "bad_zip"),
    ],
)
def test_an_upload_with_nothing_to_read_is_refused(data, code):
    assert refusal(data).code == code


def test_a_csv_it_cannot_parse_is_refused():
    reviews = REVIEWS.replace("Déjà vu.", "x" * 200_000)

    refused = refusal(make_zip({"reviews.csv": reviews}))

    assert refused.code == "bad_csv"
    assert refused.message.startswith("reviews.csv: not a readable CSV file (field larger than field limit")


def test_json_nested_too_deeply_is_refused():
    refused = refusal(b"[" * 100_000 + b"]" * 100_000, "ratings-movies.json")

    assert (refused.code, refused.message) == ("unknown_format", "ratings-movies.json: JSON nested too deeply")
