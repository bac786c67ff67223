"""Letterboxd: the files of its export ZIP, and its import format (the CSV Letterboxd itself accepts, which a
FlixReview export also writes)."""

import re
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import TextIO

from imports.history.readers.common import (
    FormatError,
    Reader,
    SkipRow,
    check_columns,
    checked_rows,
    csv_records,
    dict_rows,
    guarded_row,
    is_blank,
    is_yes,
    parse_date,
    parse_int,
    parse_rating,
    parse_year,
    read_header,
    split_tags,
)
from imports.history.rows import Fact, FilmRef, HistoryRow, ListInfo

FILM_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI")
RATINGS_COLUMNS = (*FILM_COLUMNS, "Rating")
REVIEWS_COLUMNS = (*FILM_COLUMNS, "Rating", "Rewatch", "Review", "Tags", "Watched Date")
DIARY_COLUMNS = (*FILM_COLUMNS, "Rating", "Rewatch", "Tags", "Watched Date")
LIST_COLUMNS = ("Date", "Name", "Tags", "URL", "Description")
LIST_ITEM_COLUMNS = ("Position", "Name", "Year", "URL", "Description")
LIST_PREAMBLE = "Letterboxd list export"
IMPORT_COLUMNS = (
    "Title",
    "Year",
    "tmdbID",
    "imdbID",
    "WatchedDate",
    "Rating",
    "Rating10",
    "Rewatch",
    "Review",
    "Tags",
    "LetterboxdURI",
    "Directors",
)
IMPORT_FILM_COLUMNS = frozenset({"title", "tmdbid", "imdbid"})
IMDB_ID_RE = re.compile(r"^tt\d+$")
# What a spreadsheet-safe CSV writer (FlixReview's export among them) puts a "'" before: a cell starting with one of
# FORMULA_STARTS, possibly after FORMULA_BLANKS. The import format reads such cells back without the "'".
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
FORMULA_BLANKS = " \t\r\n\u00a0\u3000"

# The members of an export ZIP that are read, by path, and what each is read as.
EXPORT_MEMBERS = {
    "ratings.csv": "ratings",
    "reviews.csv": "reviews",
    "diary.csv": "diary",
    "watched.csv": "watched",
    "watchlist.csv": "watchlist",
    "likes/films.csv": "likes",
}
# Members that hold nothing to import (or nothing that is still true: deleted/, orphaned/).
IGNORED_MEMBERS = frozenset({"profile.csv", "comments.csv", "likes/lists.csv", "likes/reviews.csv"})
IGNORED_FOLDERS = ("deleted/", "orphaned/")
# A lone file: its exact columns tell what it is, except for the three files that share FILM_COLUMNS.
LONE_FILES = {path.rsplit("/", 1)[-1]: kind for path, kind in EXPORT_MEMBERS.items()}
COLUMNS_KINDS = {
    frozenset(RATINGS_COLUMNS): "ratings",
    frozenset(REVIEWS_COLUMNS): "reviews",
    frozenset(DIARY_COLUMNS): "diary",
}


def is_ignored_member(path: str) -> bool:
    lowered = path.lower()
    return lowered in IGNORED_MEMBERS or lowered.startswith(IGNORED_FOLDERS)


def kind_for_member(path: str, header: Sequence[str] | None) -> str | None:
    """What a member of a ZIP is read as: the export's files by path, an import-format CSV by its columns."""
    lowered = path.lower()
    if lowered in EXPORT_MEMBERS:
        return EXPORT_MEMBERS[lowered]
    if lowered.startswith("lists/") and lowered.count("/") == 1 and lowered.endswith(".csv"):
        return "list"
    if header is not None and is_import_header(header):
        return "import_csv"
    return None


def kind_for_file(name: str, first_record: Sequence[str]) -> str | None:
    """What a lone CSV is, from its first record and (when the columns are shared) its name."""
    header = [column.strip() for column in first_record]
    if header and (header[0].startswith(LIST_PREAMBLE) or tuple(header) == LIST_COLUMNS):
        return "list"
    base = PurePosixPath(name).name.lower()
    if base in LONE_FILES:
        return LONE_FILES[base]
    if set(header) == set(FILM_COLUMNS):
        return _marks_kind(name)
    if frozenset(header) in COLUMNS_KINDS:
        return COLUMNS_KINDS[frozenset(header)]
    return "import_csv" if is_import_header(header) else None


def _marks_kind(name: str) -> str:
    stem = PurePosixPath(name).stem.lower()
    for word, kind in (("watchlist", "watchlist"), ("watched", "watched"), ("films", "likes"), ("like", "likes")):
        if word in stem:
            return kind
    raise FormatError(
        "ambiguous_file",
        f"{name}: the columns {','.join(FILM_COLUMNS)} are those of watched.csv, watchlist.csv and likes/films.csv "
        "alike; name the file after the one it is, or upload the whole export ZIP",
    )


def is_import_header(header: Sequence[str]) -> bool:
    lowered = {column.strip().lower() for column in header}
    return bool(lowered & IMPORT_FILM_COLUMNS) and "const" not in lowered


def _film(row: dict[str, str]) -> FilmRef:
    return FilmRef(title=row["Name"], year=parse_year(row["Year"]), key=row["Letterboxd URI"])


def read_ratings(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    for line, row in checked_rows(stream, file, RATINGS_COLUMNS):
        yield _rating_row(file, line, row)


def _rating_row(file: str, line: int, row: dict[str, str]) -> HistoryRow:
    film = _film(row)

    def build() -> HistoryRow:
        rating = parse_rating(row["Rating"])
        if rating is None:
            raise SkipRow("no rating")
        return HistoryRow(file, line, Fact.RATING, film, date=parse_date(row["Date"]), rating=rating)

    return guarded_row(file, line, Fact.RATING, film, build)


def read_reviews(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    for line, row in checked_rows(stream, file, REVIEWS_COLUMNS):
        yield _review_row(file, line, row)


def _review_row(file: str, line: int, row: dict[str, str]) -> HistoryRow:
    film = _film(row)

    def build() -> HistoryRow:
        return HistoryRow(
            file,
            line,
            Fact.REVIEW,
            film,
            date=parse_date(row["Date"]),
            rating=parse_rating(row["Rating"]),
            review=row["Review"],
            watched_on=parse_date(row["Watched Date"], "watched date"),
            rewatch=is_yes(row["Rewatch"]),
            tags=split_tags(row["Tags"]),
        )

    return guarded_row(file, line, Fact.REVIEW, film, build)


def read_diary(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    for line, row in checked_rows(stream, file, DIARY_COLUMNS):
        yield _diary_row(file, line, row)


def _diary_row(file: str, line: int, row: dict[str, str]) -> HistoryRow:
    film = _film(row)

    def build() -> HistoryRow:
        date = parse_date(row["Date"])
        watched_on = parse_date(row["Watched Date"], "watched date") or date
        if watched_on is None:
            raise SkipRow("no watched date")
        return HistoryRow(
            file,
            line,
            Fact.DIARY,
            film,
            date=date,
            rating=parse_rating(row["Rating"]),
            watched_on=watched_on,
            rewatch=is_yes(row["Rewatch"]),
            tags=split_tags(row["Tags"]),
        )

    return guarded_row(file, line, Fact.DIARY, film, build)


def _marks_reader(fact: Fact) -> Reader:
    """A reader of watched.csv, watchlist.csv or likes/films.csv: one dated mark per film."""

    def read(stream: TextIO, file: str) -> Iterator[HistoryRow]:
        for line, row in checked_rows(stream, file, FILM_COLUMNS):
            yield _mark_row(file, line, row, fact)

    return read


def _mark_row(file: str, line: int, row: dict[str, str], fact: Fact) -> HistoryRow:
    film = _film(row)
    return guarded_row(file, line, fact, film, lambda: HistoryRow(file, line, fact, film, date=parse_date(row["Date"])))


read_watched = _marks_reader(Fact.WATCHED)
read_watchlist = _marks_reader(Fact.WATCHLIST)
read_likes = _marks_reader(Fact.LIKE)


def read_list(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    """A list file: an optional ``Letterboxd list export`` line, the list's own header and row, a blank line, then
    the films' header and rows."""
    records = csv_records(stream)
    head = _next_record(records)
    if head is None:
        return
    if head[0].strip().startswith(LIST_PREAMBLE):
        head = _next_record(records) or []
    film_list = _list_info(file, [column.strip() for column in head], _next_record(records))
    item_header = [column.strip() for column in _next_record(records) or []]
    if not item_header:
        return
    check_columns(file, item_header, LIST_ITEM_COLUMNS, LIST_ITEM_COLUMNS, LIST_ITEM_COLUMNS)
    for line, row in dict_rows(item_header, records):
        yield _list_item_row(file, line, row, film_list)


def _next_record(records: Iterator[tuple[int, list[str]]]) -> list[str] | None:
    for _, cells in records:
        if not is_blank(cells):
            return cells
    return None


def _list_info(file: str, header: list[str], cells: list[str] | None) -> ListInfo:
    check_columns(file, header, LIST_COLUMNS, LIST_COLUMNS, LIST_COLUMNS)
    if cells is None:
        raise FormatError("unknown_format", f"{file}: the list's own row (its name and description) is missing")
    row = dict(zip(header, (cell.strip() for cell in cells), strict=False))
    return ListInfo(name=row.get("Name", ""), description=row.get("Description", ""), key=row.get("URL", ""))


def _list_item_row(file: str, line: int, row: dict[str, str], film_list: ListInfo) -> HistoryRow:
    film = FilmRef(title=row["Name"], year=parse_year(row["Year"]), key=row["URL"])

    def build() -> HistoryRow:
        position = parse_int(row["Position"])
        if position is None:
            raise SkipRow(f"bad position {row['Position']!r}")
        return HistoryRow(
            file, line, Fact.LIST_ITEM, film, film_list=film_list, position=position, note=row["Description"]
        )

    return guarded_row(file, line, Fact.LIST_ITEM, film, build)


def read_import(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    """Letterboxd's import format: any of its columns, named in any case, with a Title, tmdbID or imdbID."""
    header, records = read_header(stream)
    if not header:
        return
    canonical = {column.lower(): column for column in IMPORT_COLUMNS}
    columns = [canonical.get(column.lower(), column) for column in header]
    check_columns(file, columns, IMPORT_COLUMNS, (), IMPORT_COLUMNS)
    if not is_import_header(columns):
        raise FormatError("unknown_headers", f"{file}: needs a Title, tmdbID or imdbID column")
    for line, row in dict_rows(columns, records):
        yield from _import_rows(file, line, {column: _unneutralised(cell) for column, cell in row.items()})


def _unneutralised(cell: str) -> str:
    """A cell as it was before a spreadsheet-safe export put a ``'`` before its formula-like start ("-", "=")."""
    if cell.startswith("'") and cell[1:].lstrip(FORMULA_BLANKS)[:1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _import_rows(file: str, line: int, row: dict[str, str]) -> list[HistoryRow]:
    """A diary entry (with its review, when it has one) for a dated row; else a review, a rating or a watched mark."""
    film = _import_film(row)
    review = row.get("Review", "")
    if row.get("WatchedDate"):
        facts = [Fact.REVIEW, Fact.DIARY] if review else [Fact.DIARY]
    elif review or row.get("Rating") or row.get("Rating10"):
        facts = [Fact.REVIEW if review else Fact.RATING]
    else:
        facts = [Fact.WATCHED]
    try:
        if not (film.title or film.tmdb_id or film.imdb_id):
            raise SkipRow("no Title, tmdbID or imdbID")
        rating = _import_rating(row)
        watched_on = parse_date(row.get("WatchedDate", ""), "watched date")
    except SkipRow as skip:
        return [HistoryRow(file, line, facts[-1], film, skip_reason=skip.reason)]
    rewatch, tags = is_yes(row.get("Rewatch")), split_tags(row.get("Tags", ""))
    return [
        HistoryRow(
            file,
            line,
            fact,
            film,
            date=watched_on,
            rating=rating,
            review=review if fact == Fact.REVIEW else "",
            watched_on=watched_on,
            rewatch=rewatch,
            tags=tags,
        )
        for fact in facts
    ]


def _import_film(row: dict[str, str]) -> FilmRef:
    imdb_id = row.get("imdbID", "")
    return FilmRef(
        title=row.get("Title", ""),
        year=parse_year(row.get("Year")),
        tmdb_id=parse_int(row.get("tmdbID")),
        imdb_id=imdb_id if IMDB_ID_RE.match(imdb_id) else "",
        key=row.get("LetterboxdURI", ""),
    )


def _import_rating(row: dict[str, str]) -> float | None:
    if row.get("Rating"):
        return parse_rating(row["Rating"])
    return parse_rating(row.get("Rating10"), scale=2)
