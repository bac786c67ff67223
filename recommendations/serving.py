"""Online side of the recommender: the model each process holds, and scoring one user with it.

Each web worker loads the active version's artefact once and keeps it in memory. It asks which version is
active at most every RECOMMENDER_VERSION_CHECK_SECONDS (one cache read, the database when the cache has no
answer) and reloads only when that changed, so a switch reaches every worker within seconds and a request never
waits on the file otherwise.

Scores are always computed from the user's reviews as they are at request time: the collaborative part is the
sum of the weight rows of the movies they reviewed (x_u B), the content part the sum of their liked movies'
neighbour rows; a review written a second ago counts. ``recommend --all-users`` scores each user the same way.
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from recommendations import artefacts
from recommendations.artefacts import ServedModel
from recommendations.engine.hybrid import blend_scores, content_weights, liking_weights, row_scale
from recommendations.engine.ranking import top_k_per_row
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


def _no_ids() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class UserHistory:
    """What a user did with films as it is now: the movies they interacted with and a rating for each (a review's,
    or what a like or a plain viewing stands for), and the other movies to leave out of their lists (watchlist,
    "not interested")."""

    movie_ids: np.ndarray
    ratings: np.ndarray
    hidden_ids: np.ndarray = field(default_factory=_no_ids)

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[float]], hidden: Sequence[int] = ()) -> "UserHistory":
        """From (movie id, rating) rows, and the ids of other movies to leave out."""
        return cls(
            movie_ids=np.array([row[0] for row in rows], dtype=np.int64).reshape(-1),
            ratings=np.array([row[1] for row in rows], dtype=np.float64).reshape(-1),
            hidden_ids=np.array(hidden, dtype=np.int64).reshape(-1),
        )

    def __len__(self) -> int:
        return len(self.movie_ids)

    def left_out(self) -> set[int]:
        """Every movie the user's lists must not show."""
        return {*self.movie_ids.tolist(), *self.hidden_ids.tolist()}


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


def preload_served_model() -> None:
    """Load the active model now: a web worker calls this before it takes requests, so that no request waits for
    the file (about a second at MovieLens-25M size). Without a database yet, the first request loads it instead."""
    try:
        served_model()
    except DatabaseError:
        logger.warning("recommender model not preloaded: the database is unavailable", exc_info=True)


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


# --- Scoring one user ---------------------------------------------------------------------------------------------
# A user's scores are sums over the model's rows of the movies they reviewed. Those rows are read once per
# request, then used both for the scores and for the reasons.


@dataclass(frozen=True)
class _Reviewed:
    """A user's reviewed movies that the model knows: their index positions, ratings, and the content share."""

    positions: np.ndarray
    ratings: np.ndarray
    content_weight: float


@dataclass(frozen=True)
class _ReviewedRows:
    """The model's rows for a user's reviewed movies.

    ``collaborative`` holds the collaborative weights' rows (dense for EASE, sparse for item kNN) of those reviewed
    movies that have one, ``with_collaborative`` says which of the reviewed movies they are.
    """

    content: sp.csr_array
    with_collaborative: np.ndarray
    collaborative: np.ndarray | sp.csr_array


def _positions(model: ServedModel, movie_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index positions of ``movie_ids`` in the model, and which of them it knows (movies added since the build
    are not in it)."""
    found = np.searchsorted(model.movie_ids, movie_ids)
    known = found < len(model.movie_ids)
    known[known] = model.movie_ids[found[known]] == movie_ids[known]
    return found, known


def _reviewed(model: ServedModel, history: UserHistory) -> _Reviewed:
    found, known = _positions(model, history.movie_ids)
    weight = float(content_weights(np.array([len(history)]))[0])
    return _Reviewed(found[known], history.ratings[known], weight)


def _reviewed_rows(model: ServedModel, user: _Reviewed) -> _ReviewedRows:
    rows = model.collaborative_index[user.positions]
    with_collaborative = np.flatnonzero(rows >= 0)
    return _ReviewedRows(
        content=model.content_similarity[user.positions],
        with_collaborative=with_collaborative,
        collaborative=_weight_rows(model, rows[with_collaborative]),
    )


def _weight_rows(model: ServedModel, rows: np.ndarray) -> np.ndarray | sp.csr_array:
    """Rows ``rows`` of the collaborative weights; an empty block when the build had no reviews to fit."""
    if model.ease_weights is not None:
        return model.ease_weights[rows]
    if model.knn_weights is not None:
        return model.knn_weights[rows]
    return np.zeros((len(rows), len(model.collaborative_positions)))


def _dense(block: np.ndarray | sp.csr_array) -> np.ndarray:
    return block if isinstance(block, np.ndarray) else block.toarray()


def personal_picks(model: ServedModel, history: UserHistory, *, limit: int) -> list[Pick]:
    """The user's top ``limit`` movies by blended score, each with its reason, leaving out the movies they
    interacted with or hid; may be fewer."""
    user = _reviewed(model, history)
    if not len(user.positions):
        return []
    rows = _reviewed_rows(model, user)
    collaborative = _collaborative_scores(model, rows)
    # The user's liked movies' neighbour rows, each weighted by how much they liked it.
    content = rows.content.T @ liking_weights(user.ratings)
    blended = blend_scores(collaborative[None], content[None], np.array([user.content_weight]))[0]
    chosen = _best_left(blended, np.concatenate([user.positions, _hidden_positions(model, history)]), limit)
    peaks = (float(row_scale(collaborative[None])[0]), float(row_scale(content[None])[0]))
    reasons = _reasons(model, user, rows, chosen, peaks=peaks)
    return [
        Pick(int(model.movie_ids[item]), float(blended[item]), because, liked)
        for item, (because, liked) in zip(chosen, reasons, strict=True)
    ]


def _collaborative_scores(model: ServedModel, rows: _ReviewedRows) -> np.ndarray:
    """x_u B over the model's whole movie index (0 for movies nobody reviewed)."""
    scores = np.zeros(len(model.movie_ids))
    if len(rows.with_collaborative):
        scores[model.collaborative_positions] = _column_sums(rows.collaborative)
    return scores


def _column_sums(block: np.ndarray | sp.csr_array) -> np.ndarray:
    if isinstance(block, np.ndarray):
        return block.sum(axis=0, dtype=np.float64)
    return block.T @ np.ones(block.shape[0])  # several times faster than a sparse .sum(axis=0)


def _hidden_positions(model: ServedModel, history: UserHistory) -> np.ndarray:
    found, known = _positions(model, history.hidden_ids)
    return found[known]


def _best_left(blended: np.ndarray, left_out: np.ndarray, limit: int) -> np.ndarray:
    """Index positions of the ``limit`` best-scored movies, leaving out those at ``left_out``, best first.

    Nothing links a user to a movie with no positive score; popularity fills those places instead.
    """
    candidates = np.where(blended > 0, blended, -np.inf)
    candidates[left_out] = -np.inf
    best, scores = top_k_per_row(candidates[None], limit)
    return best[0][~np.isneginf(scores[0])]


def _reasons(
    model: ServedModel, user: _Reviewed, rows: _ReviewedRows, items: np.ndarray, *, peaks: tuple[float, float]
) -> list[tuple[tuple[int, ...], bool]]:
    """Per item, "because you liked ..." naming the user's highest-rated movies among those that did most for
    its score.

    A reviewed movie's part in an item's score is its row of the collaborative weights and its content
    similarity, blended exactly as the scores are.
    """
    if len(items) == 0:
        return []
    content = _dense(rows.content[:, items]) * liking_weights(user.ratings)[:, None]
    collaborative = np.zeros_like(content)
    columns = model.collaborative_index[items]
    scored = np.flatnonzero(columns >= 0)
    if len(rows.with_collaborative) and len(scored):
        block = _dense(rows.collaborative[:, columns[scored]])
        collaborative[np.ix_(rows.with_collaborative, scored)] = block
    weight = user.content_weight
    share = collaborative if weight == 0 else (1 - weight) * collaborative / peaks[0] + weight * content / peaks[1]
    return _most_helpful(share, user.positions, user.ratings, model.movie_ids)


def _most_helpful(
    share: np.ndarray, positions: np.ndarray, ratings: np.ndarray, movie_ids: np.ndarray
) -> list[tuple[tuple[int, ...], bool]]:
    """Per column of ``share`` (reviewed movies x items): among the REASON_CANDIDATES reviewed movies with the
    largest positive part, the REASON_TITLES rated highest (then by part), and whether the user liked them all."""
    columns = np.arange(share.shape[1])
    candidates = np.argsort(-share, axis=0, kind="stable")[:REASON_CANDIDATES]
    parts = share[candidates, columns]
    helped = parts > 0
    earlier = np.broadcast_to(np.arange(len(candidates))[:, None], candidates.shape)
    # Primary key last: movies that helped first, then by rating, then by part, then as ranked by part.
    order = np.lexsort((earlier, -parts, -ratings[candidates], ~helped), axis=0)[:REASON_TITLES]
    chosen = candidates[order, columns]
    chosen_helped = helped[order, columns]
    named = movie_ids[positions[chosen]].T.tolist()
    named_helped = chosen_helped.T.tolist()
    # Liked: every named movie got LIKED_RATING or more (movies that did not help count as liked here).
    liked = np.all(np.where(chosen_helped, ratings[chosen], np.inf) >= LIKED_RATING, axis=0)
    liked &= chosen_helped.any(axis=0)
    return [
        (tuple(movie for movie, used in zip(row, used_flags, strict=True) if used), bool(is_liked))
        for row, used_flags, is_liked in zip(named, named_helped, liked.tolist(), strict=True)
    ]


def collaborative_scores_of(model: ServedModel, history: UserHistory, movie_ids: np.ndarray) -> np.ndarray:
    """The user's collaborative score (x_u B) of each of ``movie_ids``, 0 for movies the model does not know.

    Only the weights between the user's movies and these are read, not the whole row of every reviewed movie.
    """
    rows = model.collaborative_index[_reviewed(model, history).positions]
    rows = rows[rows >= 0]
    found, known = _positions(model, movie_ids)
    columns = np.full(len(movie_ids), -1)
    columns[known] = model.collaborative_index[found[known]]
    scored = np.flatnonzero(columns >= 0)
    scores = np.zeros(len(movie_ids))
    if len(rows) and len(scored):
        scores[scored] = _weight_block(model, rows, columns[scored]).sum(axis=0, dtype=np.float64)
    return scores


def _weight_block(model: ServedModel, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The collaborative weights at ``rows`` x ``columns``, dense."""
    if model.ease_weights is not None and len(columns) * 16 < model.ease_weights.shape[1]:
        return model.ease_weights[np.ix_(rows, columns)]
    # For many columns, two gathers beat np.ix_ several times.
    return _dense(_weight_rows(model, rows)[:, columns])
