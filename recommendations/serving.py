"""Online side of the recommender: the model each process holds, and scoring one user (or a batch) with it.

Each web worker loads the active version's artefact once and keeps it in memory. It asks which version is
active at most every RECOMMENDER_VERSION_CHECK_SECONDS (one cache read, the database when the cache has no
answer) and reloads only when that changed, so a switch reaches every worker within seconds and a request never
waits on the file otherwise.

Scores are always computed from the user's reviews as they are at request time: the collaborative part is the
sum of the weight rows of the movies they reviewed (x_u B), the content part the sum of their liked movies'
neighbour rows; a review written a second ago counts.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache

from recommendations import artefacts
from recommendations.artefacts import EASE, ITEM_KNN, ServedModel
from recommendations.engine.hybrid import blend_scores, content_weights, liking_weights, row_scale
from recommendations.engine.ranking import NO_ITEM, recommend_top_k
from recommendations.models import ModelVersion, RecommenderState

logger = logging.getLogger(__name__)

ACTIVE_VERSION_KEY = "recommendations:active-version"
# How long the cached answer to "which version is active" lives when nobody refreshes it (with a per-process
# cache, the builder cannot reach the workers' copies: this bounds how late they notice a switch).
ACTIVE_VERSION_CACHE_SECONDS = 10
# A reason names up to REASON_TITLES of the REASON_CANDIDATES reviewed movies that did most for an item's score,
# the highest-rated first; "liked" when each got at least LIKED_RATING stars, "watched" otherwise.
REASON_TITLES = 2
REASON_CANDIDATES = 5
LIKED_RATING = 3


@dataclass(frozen=True)
class UserHistory:
    """A user's reviews as they are now: the movies and their ratings."""

    movie_ids: np.ndarray
    ratings: np.ndarray

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[int, int]]) -> "UserHistory":
        """From (movie id, rating) rows."""
        return cls(
            movie_ids=np.array([row[0] for row in rows], dtype=np.int64).reshape(-1),
            ratings=np.array([row[1] for row in rows], dtype=np.float64).reshape(-1),
        )

    def __len__(self) -> int:
        return len(self.movie_ids)


@dataclass(frozen=True)
class Pick:
    """A recommended movie and the reviewed movies that did most for its score (the reason names them)."""

    movie_id: int
    score: float
    because: tuple[int, ...]
    liked: bool

    def reason(self, titles: dict[int, str]) -> str:
        named = [titles[movie_id] for movie_id in self.because if titles.get(movie_id)]
        if not named:
            return "picked for you"
        return f"because you {'liked' if self.liked else 'watched'} {' and '.join(named)}"


# --- Which version, and the model of it this process holds ------------------------------------------------------

_lock = threading.Lock()
_served: ServedModel | None = None
_checked_at = float("-inf")


def active_version_id() -> int | None:
    """The active version as the cache has it (0 there means "none"), else as the database has it."""
    cached = cache.get(ACTIVE_VERSION_KEY)
    if cached is not None:
        return cached or None
    version_id = stored_active_version_id()
    publish_active_version(version_id)
    return version_id


def stored_active_version_id() -> int | None:
    return (
        RecommenderState.objects.filter(pk=RecommenderState.SINGLETON_PK)
        .values_list("active_version_id", flat=True)
        .first()
    )


def publish_active_version(version_id: int | None) -> None:
    cache.set(ACTIVE_VERSION_KEY, version_id or 0, ACTIVE_VERSION_CACHE_SECONDS)


def unpublish_active_version() -> None:
    cache.delete(ACTIVE_VERSION_KEY)


def served_model() -> ServedModel | None:
    """The model of the active version, or None before the first build.

    If the active version's file cannot be read, the model already held keeps being served (and the failure is
    logged) rather than failing requests.
    """
    global _served, _checked_at
    if time.monotonic() - _checked_at < settings.RECOMMENDER_VERSION_CHECK_SECONDS:
        return _served
    with _lock:
        if time.monotonic() - _checked_at < settings.RECOMMENDER_VERSION_CHECK_SECONDS:
            return _served
        version_id = active_version_id()
        if version_id is None:
            _served = None
        elif _served is None or _served.version_id != version_id:
            _served = _load(version_id) or _served
        _checked_at = time.monotonic()
        return _served


def forget_served_model() -> None:
    """Drop the model this process holds; the next request loads the active one again."""
    global _served, _checked_at
    with _lock:
        _served, _checked_at = None, float("-inf")


def _load(version_id: int) -> ServedModel | None:
    artefact = ModelVersion.objects.filter(pk=version_id).values_list("artefact", flat=True).first()
    if artefact is None:
        return None
    try:
        model = artefacts.load_served(Path(settings.RECOMMENDER_MODEL_DIR) / artefact, version_id=version_id)
    except (OSError, ValueError, KeyError):
        logger.exception("cannot load recommender model %s (%s)", version_id, artefact)
        return None
    logger.debug("loaded recommender model %s: %.1f MB", version_id, model.nbytes / 1e6)
    return model


# --- Scoring ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Batch:
    """Users' histories as rows over the model's movie index (movies the model does not know are dropped)."""

    histories: Sequence[UserHistory]
    positions: list[np.ndarray]
    ratings: list[np.ndarray]
    seen: sp.csr_array
    liked: sp.csr_array
    content_weights: np.ndarray


def _positions(model: ServedModel, movie_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index positions of ``movie_ids`` in the model, and which of them it knows (movies added since the build
    are not in it)."""
    found = np.searchsorted(model.movie_ids, movie_ids)
    known = found < len(model.movie_ids)
    known[known] = model.movie_ids[found[known]] == movie_ids[known]
    return found, known


def _batch(model: ServedModel, histories: Sequence[UserHistory]) -> _Batch:
    positions, ratings = [], []
    for history in histories:
        found, known = _positions(model, history.movie_ids)
        positions.append(found[known])
        ratings.append(history.ratings[known])
    rows = np.repeat(np.arange(len(histories)), [len(p) for p in positions])
    columns = np.concatenate(positions) if positions else np.empty(0, dtype=np.int64)
    values = np.concatenate(ratings) if ratings else np.empty(0)
    shape = (len(histories), len(model.movie_ids))
    seen = sp.csr_array((np.ones(len(columns)), (rows, columns)), shape=shape)
    liked = sp.csr_array((liking_weights(values), (rows, columns)), shape=shape)
    weights = content_weights(np.array([len(history) for history in histories]))
    return _Batch(histories, positions, ratings, seen, liked, weights)


def collaborative_scores(model: ServedModel, seen: sp.csr_array) -> np.ndarray:
    """x_u B for each row of ``seen``, over the model's whole movie index (0 for movies nobody reviewed)."""
    scores = np.zeros(seen.shape)
    rows = seen[:, model.collaborative_positions]
    if model.collaborative == EASE:
        scores[:, model.collaborative_positions] = rows @ model.ease_weights
    elif model.collaborative == ITEM_KNN:
        scores[:, model.collaborative_positions] = (rows @ model.knn_weights).toarray()
    return scores


def _scores(model: ServedModel, batch: _Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    collaborative = collaborative_scores(model, batch.seen)
    content = (batch.liked @ model.content_similarity).toarray()
    return blend_scores(collaborative, content, batch.content_weights), collaborative, content


def _candidates(blended: np.ndarray) -> np.ndarray:
    # Nothing links a user to a movie with no positive score; popularity fills those places instead.
    return np.where(blended > 0, blended, -np.inf)


def personal_picks(model: ServedModel, history: UserHistory, *, limit: int) -> list[Pick]:
    """The user's top ``limit`` unreviewed movies by blended score, each with its reason; may be fewer."""
    return personal_picks_batch(model, [history], limit=limit)[0]


def personal_picks_batch(model: ServedModel, histories: Sequence[UserHistory], *, limit: int) -> list[list[Pick]]:
    """personal_picks for many users, scored as one matrix and ranked by the engine's recommend_top_k."""
    batch = _batch(model, histories)
    if batch.seen.nnz == 0:
        return [[] for _ in histories]
    blended, collaborative, content = _scores(model, batch)
    top = recommend_top_k(lambda users: _candidates(blended[users]), batch.seen, np.arange(len(histories)), k=limit)
    peaks = (row_scale(collaborative), row_scale(content))
    picks = []
    for row in range(len(histories)):
        chosen = top[row][top[row] != NO_ITEM]
        reasons = _reasons(model, batch, row, chosen, peaks=(peaks[0][row], peaks[1][row]))
        picks.append(
            [
                Pick(int(model.movie_ids[item]), float(blended[row, item]), because, liked)
                for item, (because, liked) in zip(chosen, reasons, strict=True)
            ]
        )
    return picks


def _reasons(
    model: ServedModel, batch: _Batch, row: int, items: np.ndarray, *, peaks: tuple[float, float]
) -> list[tuple[tuple[int, ...], bool]]:
    """Per item, "because you liked ..." naming the user's highest-rated movies among those that did most for
    its score.

    A reviewed movie's part in an item's score is its row of the collaborative weights and its content
    similarity, blended exactly as the scores are.
    """
    if len(items) == 0:
        return []
    positions, ratings = batch.positions[row], batch.ratings[row]
    weight = batch.content_weights[row]
    content = model.content_similarity[positions][:, items].toarray() * liking_weights(ratings)[:, None]
    collaborative = np.zeros_like(content)
    user_rows, item_columns = model.collaborative_index[positions], model.collaborative_index[items]
    mine, theirs = np.flatnonzero(user_rows >= 0), np.flatnonzero(item_columns >= 0)
    if len(mine) and len(theirs):
        collaborative[np.ix_(mine, theirs)] = _collaborative_weights(model, user_rows[mine], item_columns[theirs])
    # Each reviewed movie's part, scaled and blended exactly as the scores were (blend_scores).
    share = collaborative if weight == 0 else (1 - weight) * collaborative / peaks[0] + weight * content / peaks[1]
    reasons = []
    for column in range(len(items)):
        helped = np.flatnonzero(share[:, column] > 0)
        most = helped[np.argsort(-share[helped, column], kind="stable")][:REASON_CANDIDATES]
        best = most[np.lexsort((-share[most, column], -ratings[most]))][:REASON_TITLES]
        because = tuple(int(model.movie_ids[positions[i]]) for i in best)
        reasons.append((because, bool(len(best)) and bool(ratings[best].min() >= LIKED_RATING)))
    return reasons


def _collaborative_weights(model: ServedModel, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    if model.collaborative == EASE:
        return model.ease_weights[np.ix_(rows, columns)]
    return model.knn_weights[rows][:, columns].toarray()


def collaborative_scores_for(model: ServedModel, history: UserHistory) -> Callable[[np.ndarray], np.ndarray]:
    """A lookup of the user's collaborative score of any movie ids (0 for movies the model does not know)."""
    batch = _batch(model, [history])
    scores = collaborative_scores(model, batch.seen)[0] if batch.seen.nnz else np.zeros(len(model.movie_ids))

    def lookup(movie_ids: np.ndarray) -> np.ndarray:
        found, known = _positions(model, movie_ids)
        result = np.zeros(len(movie_ids))
        result[known] = scores[found[known]]
        return result

    return lookup
