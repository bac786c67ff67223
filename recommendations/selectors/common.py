"""What several lists share: a user's reviews, movie summaries, the served model's version."""

import functools
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import F, FloatField, Model, QuerySet, Value

from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from core import sql
from core.caching import ProcessMemo, cached, current_generation
from movies.ratings import MAX_RATING
from movies.serializers import movie_summaries_by_id
from recommendations.serving import UserHistory, served_model
from reviews.models import Review

Ranked = Sequence[tuple[int, float | None]]
# The longest list a caller may ask for.
MAX_LIST_LENGTH = 50

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


# What each kind of activity tells the recommender. A review gives its rating; a like stands for a high rating; a
# viewing without one (a watched mark, a diary entry) for a mild interest, below the "liked" threshold of the
# reasons; the watchlist and "not interested" only keep a film out of the lists.
REVIEWED, LIKED, WATCHED, HIDDEN = range(4)
LIKE_RATING = float(MAX_RATING)
VIEWING_RATING = 2.5
SIGNALS: tuple[tuple[type[Model], str | None, int], ...] = (
    (Review, "rating", REVIEWED),
    (MovieLike, None, LIKED),
    (WatchedMark, None, WATCHED),
    (DiaryEntry, None, WATCHED),
    (WatchlistEntry, None, HIDDEN),
    (Dismissal, None, HIDDEN),
)


def history_from_signals(rows: Iterable[tuple[int, float | None, int]]) -> UserHistory:
    """A UserHistory from (movie id, rating or None, kind) rows: per movie, its review's rating, else a like's,
    else a viewing's."""
    ratings: dict[int, float] = {}
    hidden: set[int] = set()
    for movie_id, rating, kind in sorted(rows, key=lambda row: -row[2]):
        if kind == HIDDEN:
            hidden.add(movie_id)
        elif kind == REVIEWED and rating is not None:
            ratings[movie_id] = float(rating)
        else:
            ratings[movie_id] = LIKE_RATING if kind == LIKED else VIEWING_RATING
    return UserHistory.from_rows(sorted(ratings.items()), sorted(hidden - ratings.keys()))


def signal_rows(user_ids: list[int]) -> QuerySet:
    """(user id, movie id, rating or None, kind) of everything these users did with films, in one query."""
    parts = [
        model._default_manager.filter(user_id__in=user_ids)
        .order_by()
        .annotate(stars=F(rating) if rating else Value(None, output_field=FloatField()), kind=Value(kind))
        .values_list("user_id", "movie_id", "stars", "kind")
        for model, rating, kind in SIGNALS
    ]
    return parts[0].union(*parts[1:], all=True)


def user_history(user_id: int) -> UserHistory:
    """What the user did with films (see history_from_signals).

    Nearly every personal request reads it, and the ORM compiling the query cost more than running it: it is one
    explicit statement instead (a test holds it equal to signal_rows, the ORM's query).
    """
    with sql.reading(Review) as cursor:
        cursor.execute(_user_history_sql(), [user_id] * len(SIGNALS))
        return history_from_signals(cursor.fetchall())


@functools.cache
def _user_history_sql() -> str:
    def part(model: type[Model], rating: str | None, kind: int) -> str:
        stars = sql.column(model, rating) if rating else "NULL"
        movie, user = sql.column(model, "movie"), sql.column(model, "user")
        return f"SELECT {movie}, {stars}, {kind} FROM {sql.table(model)} WHERE {user} = %s"

    return " UNION ALL ".join(part(*signal) for signal in SIGNALS)


def cached_user_history(user_id: int) -> UserHistory:
    """The user's history, shared by their for-you, similar and by-genre requests until the next write."""
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
