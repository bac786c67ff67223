"""Small history exports built in tests: Letterboxd ZIPs and CSVs, IMDb ratings CSVs, Trakt JSON."""

import csv
import io
import json
import zipfile

from movies.models import Movie

LETTERBOXD_HEADERS = {
    "ratings.csv": ["Date", "Name", "Year", "Letterboxd URI", "Rating"],
    "reviews.csv": ["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Review", "Tags", "Watched Date"],
    "diary.csv": ["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"],
    "watched.csv": ["Date", "Name", "Year", "Letterboxd URI"],
    "watchlist.csv": ["Date", "Name", "Year", "Letterboxd URI"],
    "likes/films.csv": ["Date", "Name", "Year", "Letterboxd URI"],
}
IMDB_RATINGS_HEADER = [
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
    "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
]  # fmt: skip


def csv_text(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return buffer.getvalue()


def film(movie: Movie) -> list:
    """Name, Year and a film URI, as Letterboxd writes them."""
    return [movie.title, movie.release_date.year if movie.release_date else "", f"https://boxd.it/m{movie.pk}"]


def letterboxd_zip(files: dict[str, list[list]], lists: dict[str, list[list]] | None = None) -> bytes:
    """A Letterboxd export: ``files`` maps a member (e.g. "ratings.csv") to its rows; ``lists`` a list's name to
    its items ([position, name, year, url, description])."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("profile.csv", "Date Joined,Username\n2020-01-01,someone\n")
        for name, rows in files.items():
            archive.writestr(name, "\ufeff" + csv_text(LETTERBOXD_HEADERS[name], rows))
        for number, (name, items) in enumerate((lists or {}).items(), start=1):
            head = csv_text(
                ["Date", "Name", "Tags", "URL", "Description"],
                [["2024-01-01", name, "", f"https://boxd.it/l{number}", ""]],
            )
            body = csv_text(["Position", "Name", "Year", "URL", "Description"], items)
            archive.writestr(f"lists/list-{number}.csv", f"Letterboxd list export v7\n{head}\n{body}")
    return buffer.getvalue()


def imdb_ratings_csv(rows: list[tuple[str, int, str, str, int, str]]) -> bytes:
    """Rows of (const, rating 1-10, date rated, title, year, title type)."""
    body = [
        [
            const,
            rating,
            date,
            title,
            title,
            f"https://www.imdb.com/title/{const}/",
            kind,
            7.1,
            100,
            year,
            "Drama",
            1000,
            f"{year}-01-01",
            "",
        ]
        for const, rating, date, title, year, kind in rows
    ]
    return csv_text(IMDB_RATINGS_HEADER, body).encode()


def trakt_json(items: list[dict]) -> bytes:
    return json.dumps(items).encode()
