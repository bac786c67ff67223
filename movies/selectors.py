import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import F, FloatField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Floor, Lower
from django.db.models.lookups import Exact

from core import sql
from movies.models import Genre, Movie
from movies.services import genre_stats_fresh

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
    with sql.reading(Movie) as cursor:
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
    counted; counted again first if that was more than POPULAR_FIGURES_REFRESH_SECONDS ago."""
    genre_stats_fresh()
    return Genre.objects.all()


def genre_movies(genre: Genre) -> QuerySet[Movie]:
    return genre.movies.defer(*DETAIL_ONLY_FIELDS).order_by("-review_count", "title", "pk")


SEARCH_MAX_LENGTH = 200
# The text search configuration of the search vector (movies/migrations/0009_search.py): queries must use the same.
SEARCH_CONFIG = "english"
# ts_rank's weights of the vector's parts D (unused), C (description), B (directors and cast), A (title): a person's
# name is nearly as telling as a word of the title (PostgreSQL's default, 0.4, put "brando" in "Civil Brand" above
# Marlon Brando's films).
RANK_WEIGHTS = [0.1, 0.2, 0.8, 1.0]
# A title's closeness by trigrams adds at most this to the rank: a typo or a prefix finds the title, but a whole word
# of a title or a name found by full text counts for more.
TRIGRAM_WEIGHT = 0.5
# Relevance counts in tenths, so that films about as relevant go by popularity: every title with "star" in it is
# one step, and a description that says "star" too does not lift "My Lucky Star" above "Star Wars".
RELEVANCE_STEPS = 10


class ImmutableUnaccent(Func):
    """The database's immutable unaccent (movies/migrations/0009_search.py), the one its folded titles are made with:
    a search folds its text the same way."""

    function = "immutable_unaccent"
    output_field = TextField()


def search_movies(movies: QuerySet[Movie], text: str) -> QuerySet[Movie]:
    """The movies among ``movies`` that match ``text``, best match first: the film search of the API
    (``?search=``), the films page and a list's "add a film".

    On PostgreSQL: full-text matches of the words in the title, the directors and cast, the description (accents
    and case ignored, English stems and stop words), and titles close to the text by trigrams (a typo: "godfater";
    the start of a word, as you type: "godf"). An exact title (accents and case ignored) comes first, then the
    full-text rank plus the title's trigram similarity, in tenths, then the most reviewed. Elsewhere (SQLite):
    titles or descriptions that contain the text, an exact title (case ignored) first, then the most reviewed.
    A caller's order_by replaces the ranking.
    """
    text = text.replace("\x00", "").strip()  # PostgreSQL's text cannot hold NUL
    if not text:
        return movies
    if connections[movies.db].vendor == "postgresql":
        return _postgres_search(movies, text)
    return (
        movies.filter(Q(title__icontains=text) | Q(description__icontains=text))
        .alias(exact_title=Exact(Lower("title"), Lower(Value(text))))
        .order_by(F("exact_title").desc(), "-review_count", "title", "pk")
    )


def _postgres_search(movies: QuerySet[Movie], text: str) -> QuerySet[Movie]:
    folded = ImmutableUnaccent(Lower(Value(text)))
    query = SearchQuery(ImmutableUnaccent(Value(text)), config=SEARCH_CONFIG, search_type="websearch")
    # The generated columns the model does not know; unqualified, each names the movie of the query it is in.
    title = RawSQL("search_title", [], output_field=TextField())
    vector = RawSQL("search_vector", [], output_field=SearchVectorField())
    return (
        movies.alias(search_title=title, search_vector=vector)
        .filter(Q(search_vector=query) | Q(search_title__trigram_word_similar=folded))
        .alias(
            exact_title=Exact(F("search_title"), folded),
            relevance=Floor(
                (
                    SearchRank(F("search_vector"), query, weights=RANK_WEIGHTS)
                    + Func(folded, F("search_title"), function="word_similarity", output_field=FloatField())
                    * TRIGRAM_WEIGHT
                )
                * RELEVANCE_STEPS
            ),
        )
        .order_by(F("exact_title").desc(), F("relevance").desc(), "-review_count", "title", "pk")
    )
