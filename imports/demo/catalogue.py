"""The demo catalogue, read from films.json.

Each film has its title as commonly known in English, its release year, genres from GENRES, its director(s), main
cast, a few keywords and a one-line description written for FlixReview. ``country`` (where it was mainly made,
ISO 3166 code; SU for the Soviet Union) and ``standing`` (a rough reputation, 1 to 5) are not stored on the movie:
they shape what the demo people watch and how they rate it.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

FILMS_FILE = Path(__file__).with_name("films.json")

# The one genre vocabulary of the demo catalogue.
GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
# Countries whose films count as "home" (English-language mainstream); the rest is world cinema to the demo people.
HOME_COUNTRIES = frozenset({"US", "GB"})

FilmKey = tuple[str, int]


@dataclass(frozen=True)
class DemoFilm:
    title: str
    year: int
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    cast: tuple[str, ...]
    keywords: tuple[str, ...]
    country: str
    standing: float
    description: str

    @property
    def key(self) -> FilmKey:
        return (self.title, self.year)

    @property
    def world(self) -> bool:
        """Made outside the US and Britain."""
        return self.country not in HOME_COUNTRIES


@functools.cache
def demo_films() -> tuple[DemoFilm, ...]:
    """Every film of the demo catalogue, in the file's order (by year)."""
    rows = json.loads(FILMS_FILE.read_text(encoding="utf-8"))
    return tuple(
        DemoFilm(
            title=row["title"],
            year=row["year"],
            genres=tuple(row["genres"]),
            directors=tuple(row["directors"]),
            cast=tuple(row["cast"]),
            keywords=tuple(row["keywords"]),
            country=row["country"],
            standing=float(row["standing"]),
            description=row["description"],
        )
        for row in rows
    )
