import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from core import sql
from movies.models import Genre, Movie

# Columns only the detail page or the importers use; list rows skip loading them.
DETAIL_ONLY_FIELDS = (
    "keywords",
    "cast",
    "directors",
    "poster_path",
    "backdrop_path",
    "poster_file",
    "tmdb_synced_at",
    "rating_distribution",
)
# What a movie in someone else's list shows (MovieSummarySerializer).
SUMMARY_FIELDS = ("id", "title", "release_date", "poster_url", "avg_rating", "review_count")


def with_genre_summaries(movies: Iterable[Movie]) -> list[Movie]:
    """The movies, each with its genre_summaries filled from one query for them all.

    Cheaper than prefetch_related("genres"), which makes a model instance and a related manager per genre and
    movie: a list shows only three columns of each genre.
    """
    movies = list(movies)
    summaries: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for movie_id, genre_id, name, slug in genre_links([movie.pk for movie in movies]):
        summaries[movie_id].append({"id": genre_id, "name": name, "slug": slug})
    for movie in movies:
        movie.genre_summaries = summaries[movie.pk]
    return movies


def genre_links(movie_ids: list[int]) -> list[tuple[int, int, str, str]]:
    """(movie id, genre id, name, slug) of the movies' genres, by genre name.

    Every movie list reads these, and the ORM compiling the query cost more than running it: it is one explicit
    statement instead (a test holds it equal to the ORM's query).
    """
    if not movie_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_genre_links_sql(len(movie_ids)), movie_ids)
        return cursor.fetchall()


@functools.lru_cache(maxsize=128)
def _genre_links_sql(count: int) -> str:
    link = Movie.genres.through
    movie, linked_genre = sql.column(link, "movie", qualified=True), sql.column(link, "genre", qualified=True)
    genre, name, slug = (sql.column(Genre, field, qualified=True) for field in ("id", "name", "slug"))
    placeholders = ", ".join(["%s"] * count)
    return (
        f"SELECT {movie}, {genre}, {name}, {slug} FROM {sql.table(link)} JOIN {sql.table(Genre)} ON {genre} = "
        f"{linked_genre} WHERE {movie} IN ({placeholders}) ORDER BY {name}, {genre}"
    )


def movie_list() -> QuerySet[Movie]:
    return Movie.objects.all()


def movie_list_rows() -> QuerySet[Movie]:
    return Movie.objects.defer(*DETAIL_ONLY_FIELDS)


def movie_summary_rows() -> QuerySet[Movie]:
    """Movies with what a summary shows (MovieSummarySerializer) and nothing else."""
    return Movie.objects.only(*SUMMARY_FIELDS)


def movie_summaries(movie_ids: Iterable[int]) -> list[Movie]:
    """The movies among ``movie_ids`` that exist, as summaries."""
    return with_genre_summaries(movie_summary_rows().filter(pk__in=list(movie_ids)).order_by())


def genre_list_with_stats() -> QuerySet[Genre]:
    """Genres with movie_count, review_count (over their movies) and avg_rating (mean of rated movies), as last
    counted: call movies.services.genre_stats_fresh() first."""
    return Genre.objects.all()


def genre_movies(genre: Genre) -> QuerySet[Movie]:
    return genre.movies.defer(*DETAIL_ONLY_FIELDS).order_by("-review_count", "title", "pk")
