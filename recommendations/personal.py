"""Reads behind for-you, similar movies, best of a genre and the taste profile.

Each is a lookup against what the offline build left (the in-memory model, the SimilarMovie rows) plus the
user's reviews as they are now, under keys that carry the cache generation (any review or catalogue write), the
model version and, for personal lists, the user's own generation (their review writes and preferred genres) — so
a user's new review shows in their very next response.

Two layers, by how widely a value is reused:
- catalogue data every list embeds (movie rows, neighbour lists, genre rankings) and each user's reviews stay in
  the worker's own memory (core.caching.local_memo): no round trip, no unpickling;
- finished lists (for-you, a user's best of a genre, the taste profile) go to the shared cache for
  RECOMMENDATIONS_CACHE_SECONDS, so every worker can serve them.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

import numpy as np
from django.core.cache import cache
from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.utils import timezone

from core.caching import current_generation, local_memo
from core.prepared import PreparedQuery
from movies.models import Genre, Movie
from movies.serializers import movie_summaries_by_id
from recommendations.builders import DOCUMENT_CAST
from recommendations.caching import cached_value, generations
from recommendations.models import SimilarMovie
from recommendations.selectors import TOP_RATED_PRIOR_WEIGHT, _global_mean_rating
from recommendations.serving import Pick, UserHistory, collaborative_scores_of, personal_picks, served_model
from reviews.models import MAX_RATING, MIN_RATING, Review

POPULAR_WITH_EVERYONE = "popular with everyone"
NOT_BUILT_NOTE = " (personal recommendations are not built yet)"
# Best-of-genre candidates: the genre's top movies by damped mean, re-ranked for a logged-in user.
GENRE_POOL = 200
# Share of a logged-in user's collaborative score in their best-of-genre ranking.
GENRE_PERSONAL_WEIGHT = 0.5
HIGH_RATING = 4
CATALOGUE_MEAN_SECONDS = 3600
POPULARITY_ORDER = ("-review_count", "-avg_rating", "pk")


@dataclass(frozen=True)
class Entry:
    """One line of a for-you list."""

    movie_id: int
    score: float | None
    reason: str


# Read for nearly every personal request; compiled once (core.prepared).
_history_rows = PreparedQuery(
    lambda user_id: Review.objects.filter(user_id=user_id).order_by("movie_id").values_list("movie_id", "rating"),
    user_id=-7_301_240,
)


def user_history(user_id: int) -> UserHistory:
    return UserHistory.from_rows(_history_rows.rows(user_id=user_id))


def cached_user_history(user_id: int, generation: int, user_generation: int) -> UserHistory:
    """The user's reviews, shared by their for-you, similar and by-genre requests until one of them changes.

    Kept in the worker's memory: it is read on nearly every personal request, and the user's generation (which
    every review write of theirs moves) is in the key.
    """
    key = f"recommendations:{generation}:history:{user_id}:{user_generation}"
    return local_memo.get_or_compute(key, lambda: user_history(user_id))


def movie_summaries(movie_ids: Iterable[int], generation: int | None = None) -> dict[int, dict]:
    """{movie id: MovieSummarySerializer row} for the movies that exist, each kept for this cache generation.

    Every list here embeds the same movie summaries; keeping them one by one in the worker's memory lets a list
    computed for one user reuse what another user's list loaded. Missing ones cost two queries (the movies,
    their genres).
    """
    ids = list(dict.fromkeys(movie_ids))
    if not ids:
        return {}
    generation = current_generation() if generation is None else generation
    keys = {f"recommendations:{generation}:movie:{movie_id}": movie_id for movie_id in ids}
    found = {keys[key]: row for key, row in local_memo.get_many(keys).items()}
    missing = [movie_id for movie_id in ids if movie_id not in found]
    if missing:
        fresh = movie_summaries_by_id(missing)
        local_memo.set_many({f"recommendations:{generation}:movie:{key}": row for key, row in fresh.items()})
        found.update(fresh)
    return found


def catalogue_mean_rating(generation: int) -> float:
    """Mean of every review, kept for the whole cache generation (it only changes when a review does).

    Reading it scans every movie row (about 30 ms at 20,000 movies), so it is cached on its own, for an hour,
    even when RECOMMENDATIONS_CACHE_SECONDS turns list caching off.
    """
    return cache.get_or_set(f"recommendations:{generation}:catalogue-mean", _global_mean_rating, CATALOGUE_MEAN_SECONDS)


def _scored_rows(ranked: Iterable[tuple[int, float | None]], summaries: dict[int, dict]) -> list[dict]:
    return [{**summaries[movie_id], "score": score} for movie_id, score in ranked if movie_id in summaries]


# --- For you ------------------------------------------------------------------------------------------------------


def for_you(*, user, limit: int) -> list[dict]:
    """Hybrid picks from the user's reviews, then popular movies in their preferred genres, then popular ones."""
    model = served_model()
    generation, user_generation = generations(user.pk)
    version = model.version_id if model else 0
    key = f"recommendations:{generation}:for-you:{version}:{user.pk}:{user_generation}:{limit}"
    return cached_value(key, lambda: _for_you(user, model, limit, generation, user_generation))


def _for_you(user, model, limit: int, generation: int, user_generation: int) -> list[dict]:
    history = cached_user_history(user.pk, generation, user_generation)
    picks = personal_picks(model, history, limit=limit) if model is not None and len(history) else []
    summaries = movie_summaries((movie_id for pick in picks for movie_id in (pick.movie_id, *pick.because)), generation)
    titles = {movie_id: row["title"] for movie_id, row in summaries.items()}
    entries = for_you_entries(user, model, history, picks, limit=limit, titles=titles)
    fillers = [entry.movie_id for entry in entries if entry.movie_id not in summaries]
    summaries.update(movie_summaries(fillers, generation))
    return [
        {**summaries[entry.movie_id], "score": entry.score, "reason": entry.reason}
        for entry in entries
        if entry.movie_id in summaries
    ]


def for_you_entries(
    user, model, history: UserHistory, picks: list[Pick], *, limit: int, titles: dict[int, str]
) -> list[Entry]:
    """The picks with their reasons, topped up from popularity to ``limit``.

    ``titles`` holds the title of every picked or reason movie that still exists: picks of movies deleted since
    the build are dropped.
    """
    entries = [Entry(pick.movie_id, pick.score, pick.reason(titles)) for pick in picks if pick.movie_id in titles]
    if len(entries) < limit:
        note = NOT_BUILT_NOTE if model is None and len(history) else ""
        taken = {*history.movie_ids.tolist(), *(pick.movie_id for pick in picks)}
        entries += popular_entries(user=user, exclude=taken, limit=limit - len(entries), note=note)
    return entries


def popular_entries(*, user, exclude: set[int], limit: int, note: str = "") -> list[Entry]:
    """Most-reviewed movies in the user's preferred genres ("popular in <genre>"), then overall."""
    entries: list[Entry] = []
    preferred = list(user.preferred_genres.values_list("pk", flat=True)) if user is not None else []
    if preferred:
        links = (
            Movie.genres.through.objects.filter(genre_id__in=preferred)
            .exclude(movie_id__in=exclude)
            .order_by("-movie__review_count", "-movie__avg_rating", "movie_id", "genre__name")
            .values_list("movie_id", "genre__name")
        )
        genre_of: dict[int, str] = {}
        for movie_id, genre_name in links[: limit * len(preferred)]:
            genre_of.setdefault(movie_id, genre_name)
        entries = [Entry(movie_id, None, f"popular in {genre}{note}") for movie_id, genre in genre_of.items()][:limit]
    if len(entries) < limit:
        taken = exclude | {entry.movie_id for entry in entries}
        popular = Movie.objects.exclude(pk__in=taken).order_by(*POPULARITY_ORDER).values_list("pk", flat=True)
        entries += [Entry(movie_id, None, POPULAR_WITH_EVERYONE + note) for movie_id in popular[: limit - len(entries)]]
    return entries


# --- Similar movies -----------------------------------------------------------------------------------------------


def similar_movies(*, movie_id: int, user, limit: int) -> list[dict] | None:
    """The movie's stored content neighbours, closest first, minus what the user reviewed; None: no such movie."""
    model = served_model()
    user_id = user.pk if user is not None else None
    generation, user_generation = generations(user_id)
    version = model.version_id if model else 0
    neighbours = local_memo.get_or_compute(
        f"recommendations:{generation}:similar:{version}:{movie_id}", lambda: _neighbour_pairs(movie_id, version)
    )
    if not neighbours["found"]:
        return None
    pairs = neighbours["pairs"]
    if user_id is not None:
        reviewed = set(cached_user_history(user_id, generation, user_generation).movie_ids.tolist())
        pairs = [pair for pair in pairs if pair[0] not in reviewed]
    pairs = pairs[:limit]
    return _scored_rows(pairs, movie_summaries((movie_id for movie_id, _ in pairs), generation))


_neighbour_rows = PreparedQuery(
    lambda version_id, movie_id: (
        SimilarMovie.objects.filter(version_id=version_id, movie_id=movie_id)
        .order_by("rank")
        .values_list("neighbour_id", "score")
    ),
    version_id=-7_301_241,
    movie_id=-7_301_242,
)


def _neighbour_pairs(movie_id: int, version: int) -> dict:
    pairs = [tuple(row) for row in _neighbour_rows.rows(version_id=version, movie_id=movie_id)]
    return {"found": bool(pairs) or Movie.objects.filter(pk=movie_id).exists(), "pairs": pairs}


# --- Best of a genre ----------------------------------------------------------------------------------------------


def genre_best(*, slug: str, user, limit: int) -> list[dict] | None:
    """The genre's movies by damped mean rating, re-ranked by the user's collaborative scores when logged in.

    None when there is no genre with that slug.
    """
    user_id = user.pk if user is not None else None
    generation, user_generation = generations(user_id)
    genre = local_memo.get_or_compute(
        f"recommendations:{generation}:genre-slug:{slug}",
        lambda: Genre.objects.filter(slug=slug).values_list("pk", flat=True).first(),
    )
    if genre is None:
        return None
    if user_id is None:
        ranked = _genre_pool(genre, GENRE_POOL, generation)[:limit]
    else:
        model = served_model()
        version = model.version_id if model else 0
        key = f"recommendations:{generation}:by-genre:{genre}:{limit}:{version}:{user_id}:{user_generation}"
        history = cached_user_history(user_id, generation, user_generation)
        ranked = cached_value(key, lambda: _genre_for_user(genre, history, model, limit, generation))
    return _scored_rows(ranked, movie_summaries((movie_id for movie_id, _ in ranked), generation))


def _genre_pool(genre_id: int, size: int, generation: int) -> list[tuple[int, float]]:
    """(movie id, damped mean) of the genre's best ``size`` movies, best first."""

    def compute() -> list[tuple[int, float]]:
        prior = Value(TOP_RATED_PRIOR_WEIGHT * catalogue_mean_rating(generation))
        weight = Value(float(TOP_RATED_PRIOR_WEIGHT))
        damped = ExpressionWrapper(
            (prior + F("avg_rating") * F("review_count")) / (weight + F("review_count")), output_field=FloatField()
        )
        movies = Movie.objects.filter(genres=genre_id).annotate(damped=damped).order_by("-damped", *POPULARITY_ORDER)
        return [(movie_id, float(score)) for movie_id, score in movies.values_list("pk", "damped")[:size]]

    return local_memo.get_or_compute(f"recommendations:{generation}:genre-pool:{genre_id}:{size}", compute)


def _genre_for_user(genre_id: int, history: UserHistory, model, limit: int, generation: int) -> list[tuple[int, float]]:
    reviewed = set(history.movie_ids.tolist())
    pool = [pair for pair in _genre_pool(genre_id, GENRE_POOL, generation) if pair[0] not in reviewed]
    if len(pool) < limit:
        bigger = _genre_pool(genre_id, GENRE_POOL + len(reviewed), generation)
        pool = [pair for pair in bigger if pair[0] not in reviewed]
    if model is None or not len(history) or not pool:
        return pool[:limit]
    ids = np.array([movie_id for movie_id, _ in pool], dtype=np.int64)
    damped = np.array([score for _, score in pool])
    collaborative = collaborative_scores_of(model, history, ids)
    peak = collaborative.max()
    personal = np.clip(collaborative / peak, 0, None) if peak > 0 else np.zeros(len(ids))
    quality = (damped - MIN_RATING) / (MAX_RATING - MIN_RATING)
    blended = (1 - GENRE_PERSONAL_WEIGHT) * quality + GENRE_PERSONAL_WEIGHT * personal
    order = np.lexsort((np.arange(len(ids)), -blended))[:limit]
    return [(int(ids[i]), float(blended[i])) for i in order]


# --- Taste profile ------------------------------------------------------------------------------------------------


def taste_profile(*, user, limit: int) -> dict:
    generation, user_generation = generations(user.pk)
    key = f"recommendations:{generation}:taste:{user.pk}:{user_generation}:{limit}"
    return cached_value(key, lambda: _taste_profile(user, limit))


def _taste_profile(user, limit: int) -> dict:
    columns = ("rating", "created_at", "movie_id", "movie__release_date", "movie__avg_rating", "movie__directors")
    reviews = list(Review.objects.filter(user=user).values_list(*columns, "movie__cast"))
    liked = [review for review in reviews if review[0] >= HIGH_RATING]
    ratings = [review[0] for review in reviews]
    directors = Counter(name for review in liked for name in _names(review[5]))
    actors = Counter(name for review in liked for name in _names(review[6])[:DOCUMENT_CAST])
    month_start = timezone.now().astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {
        "favourite_genres": _favourite_genres([review[2] for review in liked], limit),
        "favourite_directors": _people(directors, limit),
        "favourite_actors": _people(actors, limit),
        "average_rating_given": _mean(ratings),
        "community_average_rating": catalogue_mean_rating(current_generation()) or None,
        "community_average_for_same_movies": _mean([review[4] for review in reviews]),
        "rating_distribution": {str(star): ratings.count(star) for star in range(MIN_RATING, MAX_RATING + 1)},
        "decades": _decades(reviews),
        "activity": {
            "total_reviews": len(reviews),
            "last_review_at": max((review[1] for review in reviews), default=None),
            "reviews_this_month": sum(review[1] >= month_start for review in reviews),
        },
    }


def _favourite_genres(movie_ids: list[int], limit: int) -> list[dict]:
    if not movie_ids:
        return []
    counts: Counter = Counter()
    genres = {}
    links = Movie.genres.through.objects.filter(movie_id__in=movie_ids).values_list(
        "genre_id", "genre__name", "genre__slug"
    )
    for genre_id, name, slug in links:
        counts[genre_id] += 1
        genres[genre_id] = {"id": genre_id, "name": name, "slug": slug}
    ranked = sorted(counts, key=lambda genre_id: (-counts[genre_id], genres[genre_id]["name"]))[:limit]
    return [{**genres[genre_id], "count": counts[genre_id]} for genre_id in ranked]


def _people(counts: Counter, limit: int) -> list[dict]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [{"name": name, "count": count} for name, count in ranked]


def _decades(reviews: list[tuple]) -> list[dict]:
    by_decade: dict[int, list[int]] = {}
    for review in reviews:
        if review[3] is not None:
            by_decade.setdefault(review[3].year // 10 * 10, []).append(review[0])
    return [
        {"decade": decade, "count": len(ratings), "average_rating": _mean(ratings)}
        for decade, ratings in sorted(by_decade.items())
    ]


def _mean(values: list) -> float | None:
    return float(sum(values) / len(values)) if values else None


def _names(values) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []
