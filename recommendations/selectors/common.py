"""What several lists share: a user's reviews, movie summaries, the served model's version."""

import functools
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection

from core import sql
from core.caching import ProcessMemo, cached, current_generation
from movies.serializers import movie_summaries_by_id
from recommendations.serving import UserHistory, served_model
from reviews.models import Review

Ranked = Sequence[tuple[int, float | None]]

# 50,000 rows are about 25 MB per worker: a 20,000-movie catalogue twice over.
movie_summary_memo = ProcessMemo(max_entries=50_000, seconds=60)


# Values derived from the catalogue alone (a movie's neighbour ids, a genre's ranking, the mean rating) change only
# with a write, and every write moves the generation: they are kept for an hour of it, even when
# RECOMMENDATIONS_CACHE_SECONDS turns list caching off.
CATALOGUE_SECONDS = 3600


def list_cache_seconds() -> int:
    """How long a finished list (or a user's reviews, as lists read them) is kept."""
    return settings.RECOMMENDATIONS_CACHE_SECONDS


def served_version() -> int:
    """The served model's version id, 0 before the first build: part of every key that depends on the model."""
    model = served_model()
    return model.version_id if model else 0


def user_history(user_id: int) -> UserHistory:
    """The user's (movie, rating) pairs by movie.

    Nearly every personal request reads them, and the ORM compiling the query cost more than running it: it is
    one explicit statement instead (a test holds it equal to the ORM's query).
    """
    with connection.cursor() as cursor:
        cursor.execute(_user_history_sql(), [user_id])
        return UserHistory.from_rows(cursor.fetchall())


@functools.cache
def _user_history_sql() -> str:
    movie, rating, user = (sql.column(Review, name) for name in ("movie", "rating", "user"))
    return f"SELECT {movie}, {rating} FROM {sql.table(Review)} WHERE {user} = %s ORDER BY {movie}"


def cached_user_history(user_id: int) -> UserHistory:
    """The user's reviews, shared by their for-you, similar and by-genre requests until the next write."""
    return cached(f"history:{user_id}", lambda: user_history(user_id), list_cache_seconds())


def movie_summaries(movie_ids: Iterable[int]) -> dict[int, dict]:
    """{movie id: MovieSummarySerializer row} for the movies that still exist.

    Every list embeds these rows, and the same movies recur across lists and users: each row is kept in the
    worker's memory for its generation, so a list computed for one user reuses what another's rendered.
    """
    generation = current_generation()
    keys = {f"{generation}:movie-summary:{movie_id}": movie_id for movie_id in dict.fromkeys(movie_ids)}
    found = {keys[key]: row for key, row in movie_summary_memo.get_many(keys).items()}
    missing = [movie_id for movie_id in keys.values() if movie_id not in found]
    if missing:
        fresh = movie_summaries_by_id(missing)
        movie_summary_memo.set_many({f"{generation}:movie-summary:{movie_id}": row for movie_id, row in fresh.items()})
        found.update(fresh)
    return found


def scored_rows(ranked: Ranked) -> list[dict]:
    """Summary rows of the ranked movies that still exist, in order, each with its score."""
    summaries = movie_summaries(movie_id for movie_id, _ in ranked)
    return [{**summaries[movie_id], "score": score} for movie_id, score in ranked if movie_id in summaries]
