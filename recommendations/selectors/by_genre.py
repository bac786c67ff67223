"""Best of a genre: its movies by damped mean rating, re-ranked by the user's collaborative scores when logged in."""

import numpy as np
from django.contrib.auth.models import AbstractBaseUser

from core.caching import cached
from movies.models import Genre, Movie
from movies.ratings import MAX_RATING, MIN_RATING
from recommendations.artefacts import ServedModel
from recommendations.selectors.common import (
    CATALOGUE_SECONDS,
    cached_user_history,
    list_cache_seconds,
    scored_rows,
    served_version,
)
from recommendations.selectors.popular import POPULARITY_ORDER, damped_mean
from recommendations.serving import UserHistory, collaborative_scores_of, served_model

# Candidates: the genre's top movies by damped mean, re-ranked for a logged-in user.
GENRE_POOL = 200
# Share of a logged-in user's collaborative score in their best-of-genre ranking.
GENRE_PERSONAL_WEIGHT = 0.5


def genre_best(*, slug: str, user: AbstractBaseUser | None, limit: int) -> list[dict] | None:
    """None when there is no genre with that slug."""
    genre_id = _genre_id(slug)
    if genre_id is None:
        return None
    if user is None:
        return scored_rows(_genre_pool(genre_id, GENRE_POOL)[:limit])
    key = f"by-genre:{served_version()}:{genre_id}:{user.pk}:{limit}"
    return cached(key, lambda: _genre_for_user(genre_id, user.pk, limit), list_cache_seconds())


def _genre_id(slug: str) -> int | None:
    def compute() -> dict[str, int | None]:
        return {"id": Genre.objects.filter(slug=slug).values_list("pk", flat=True).first()}

    return cached(f"genre-id:{slug}", compute, CATALOGUE_SECONDS)["id"]


def _genre_pool(genre_id: int, size: int) -> list[tuple[int, float]]:
    """(movie id, damped mean) of the genre's best ``size`` movies, best first."""

    def compute() -> list[tuple[int, float]]:
        movies = Movie.objects.filter(genres=genre_id).annotate(damped=damped_mean())
        ranked = movies.order_by("-damped", *POPULARITY_ORDER).values_list("pk", "damped")[:size]
        return [(movie_id, float(score)) for movie_id, score in ranked]

    return cached(f"genre-pool:{genre_id}:{size}", compute, CATALOGUE_SECONDS)


def _genre_for_user(genre_id: int, user_id: int, limit: int) -> list[dict]:
    history = cached_user_history(user_id)
    left_out = history.left_out()
    pool = [pair for pair in _genre_pool(genre_id, GENRE_POOL) if pair[0] not in left_out]
    if len(pool) < limit:
        bigger = _genre_pool(genre_id, GENRE_POOL + len(left_out))
        pool = [pair for pair in bigger if pair[0] not in left_out]
    model = served_model()
    if model is None or not len(history) or not pool:
        return scored_rows(pool[:limit])
    return scored_rows(_reranked(model, history, pool, limit))


def _reranked(
    model: ServedModel, history: UserHistory, pool: list[tuple[int, float]], limit: int
) -> list[tuple[int, float | None]]:
    ids = np.array([movie_id for movie_id, _ in pool], dtype=np.int64)
    damped = np.array([score for _, score in pool])
    collaborative = collaborative_scores_of(model, history, ids)
    peak = collaborative.max()
    personal = np.clip(collaborative / peak, 0, None) if peak > 0 else np.zeros(len(ids))
    quality = (damped - MIN_RATING) / (MAX_RATING - MIN_RATING)
    blended = (1 - GENRE_PERSONAL_WEIGHT) * quality + GENRE_PERSONAL_WEIGHT * personal
    order = np.lexsort((np.arange(len(ids)), -blended))[:limit]
    return [(int(ids[i]), float(blended[i])) for i in order]
