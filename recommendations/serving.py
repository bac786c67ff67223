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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache

from recommendations import artefacts
from recommendations.artefacts import EASE, ITEM_KNN, ServedModel
from recommendations.engine.hybrid import blend_scores, content_weights, liking_weights, row_scale
from recommendations.engine.ranking import NO_ITEM, recommend_top_k, top_k_per_row
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


def personal_picks_batch(model: ServedModel, histories: Sequence[UserHistory], *, limit: int) -> list[list[Pick]]:
    """personal_picks for many users, scored as one matrix and ranked by the engine's recommend_top_k (the
    offline path: `recommend --all-users`)."""
    batch = _batch(model, histories)
    if batch.seen.nnz == 0:
        return [[] for _ in histories]
    blended, collaborative, content = _scores(model, batch)
    top = recommend_top_k(lambda users: _candidates(blended[users]), batch.seen, np.arange(len(histories)), k=limit)
    peaks = (row_scale(collaborative), row_scale(content))
    picks = []
    for row in range(len(histories)):
        chosen = top[row][top[row] != NO_ITEM]
        user = _Reviewed(batch.positions[row], batch.ratings[row], float(batch.content_weights[row]))
        picks.append(_picks(model, user, chosen, blended[row], peaks=(peaks[0][row], peaks[1][row])))
    return picks


# --- One user, as a request needs it ------------------------------------------------------------------------------
# The same arithmetic as the batch path on plain numpy arrays: building scipy matrices for a single row costs more
# than the scoring itself, and a request must not pay that.


@dataclass(frozen=True)
class _Reviewed:
    """A user's reviewed movies that the model knows: their index positions, ratings, and the content share."""

    positions: np.ndarray
    ratings: np.ndarray
    content_weight: float


def _reviewed(model: ServedModel, history: UserHistory) -> _Reviewed:
    found, known = _positions(model, history.movie_ids)
    weight = float(content_weights(np.array([len(history)]))[0])
    return _Reviewed(found[known], history.ratings[known], weight)


def _csr_rows(matrix: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored entries of ``rows`` of a CSR matrix as (index into ``rows``, column, value) arrays."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    ends = np.cumsum(lengths)
    entries = np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)
    return np.repeat(np.arange(len(rows)), lengths), matrix.indices[entries], matrix.data[entries]


def _csr_block(matrix: sp.csr_array, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """matrix[rows][:, columns] as a dense array (``columns`` distinct)."""
    owner, found, values = _csr_rows(matrix, rows)
    slot = np.full(matrix.shape[1], -1)
    slot[columns] = np.arange(len(columns))
    wanted = slot[found] >= 0
    block = np.zeros((len(rows), len(columns)))
    block[owner[wanted], slot[found[wanted]]] = values[wanted]
    return block


def _collaborative_rows(model: ServedModel, user: _Reviewed) -> np.ndarray:
    """The collaborative model's rows of the user's reviewed movies (movies nobody else reviewed have none)."""
    rows = model.collaborative_index[user.positions]
    return rows[rows >= 0]


def _user_collaborative(model: ServedModel, user: _Reviewed) -> np.ndarray:
    """x_u B over the model's whole movie index (0 for movies nobody reviewed)."""
    scores = np.zeros(len(model.movie_ids))
    rows = _collaborative_rows(model, user)
    if not len(rows):
        return scores
    if model.collaborative == EASE:
        scores[model.collaborative_positions] = model.ease_weights[rows].sum(axis=0, dtype=np.float64)
    elif model.collaborative == ITEM_KNN:
        _, columns, values = _csr_rows(model.knn_weights, rows)
        scores[model.collaborative_positions] = np.bincount(
            columns, weights=values, minlength=len(model.collaborative_positions)
        )
    return scores


def _user_content(model: ServedModel, user: _Reviewed) -> np.ndarray:
    """The user's liked movies' neighbour rows, each weighted by how much they liked it."""
    owner, columns, values = _csr_rows(model.content_similarity, user.positions)
    weights = liking_weights(user.ratings)[owner] * values
    return np.bincount(columns, weights=weights, minlength=len(model.movie_ids))


def personal_picks(model: ServedModel, history: UserHistory, *, limit: int) -> list[Pick]:
    """The user's top ``limit`` unreviewed movies by blended score, each with its reason; may be fewer.

    Exactly personal_picks_batch for one user (a test holds them together).
    """
    user = _reviewed(model, history)
    if not len(user.positions):
        return []
    collaborative, content = _user_collaborative(model, user), _user_content(model, user)
    blended = blend_scores(collaborative[None], content[None], np.array([user.content_weight]))[0]
    candidates = _candidates(blended)
    candidates[user.positions] = -np.inf
    best, scores = top_k_per_row(candidates[None], limit)
    chosen = best[0][~np.isneginf(scores[0])]
    peaks = (row_scale(collaborative[None])[0], row_scale(content[None])[0])
    return _picks(model, user, chosen, blended, peaks=peaks)


def _picks(
    model: ServedModel, user: _Reviewed, items: np.ndarray, blended: np.ndarray, *, peaks: tuple[float, float]
) -> list[Pick]:
    reasons = _reasons(model, user, items, peaks=peaks)
    return [
        Pick(int(model.movie_ids[item]), float(blended[item]), because, liked)
        for item, (because, liked) in zip(items, reasons, strict=True)
    ]


def _reasons(
    model: ServedModel, user: _Reviewed, items: np.ndarray, *, peaks: tuple[float, float]
) -> list[tuple[tuple[int, ...], bool]]:
    """Per item, "because you liked ..." naming the user's highest-rated movies among those that did most for
    its score.

    A reviewed movie's part in an item's score is its row of the collaborative weights and its content
    similarity, blended exactly as the scores are.
    """
    if len(items) == 0:
        return []
    positions, ratings, weight = user.positions, user.ratings, user.content_weight
    content = _csr_block(model.content_similarity, positions, items) * liking_weights(ratings)[:, None]
    collaborative = np.zeros_like(content)
    user_rows, item_columns = model.collaborative_index[positions], model.collaborative_index[items]
    mine, theirs = np.flatnonzero(user_rows >= 0), np.flatnonzero(item_columns >= 0)
    if len(mine) and len(theirs):
        collaborative[np.ix_(mine, theirs)] = _collaborative_weights(model, user_rows[mine], item_columns[theirs])
    # Each reviewed movie's part, scaled and blended exactly as the scores were (blend_scores).
    share = collaborative if weight == 0 else (1 - weight) * collaborative / peaks[0] + weight * content / peaks[1]
    return _most_helpful(share, positions, ratings, model.movie_ids)


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
    liked = (np.where(chosen_helped, ratings[chosen], np.inf) >= LIKED_RATING).all(axis=0) & chosen_helped.any(axis=0)
    return [
        (tuple(movie for movie, used in zip(row, used_flags, strict=True) if used), bool(is_liked))
        for row, used_flags, is_liked in zip(named, named_helped, liked.tolist(), strict=True)
    ]


def _collaborative_weights(model: ServedModel, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    if model.collaborative == EASE:
        if len(columns) * 16 < model.ease_weights.shape[1]:
            return model.ease_weights[np.ix_(rows, columns)]
        return model.ease_weights[rows][:, columns]  # for many columns, two gathers beat np.ix_ several times
    return _csr_block(model.knn_weights, rows, columns)


def collaborative_scores_of(model: ServedModel, history: UserHistory, movie_ids: np.ndarray) -> np.ndarray:
    """The user's collaborative score (x_u B) of each of ``movie_ids``, 0 for movies the model does not know.

    Only the weights between the user's movies and these are read, not the whole row of every reviewed movie.
    """
    rows = _collaborative_rows(model, _reviewed(model, history))
    found, known = _positions(model, movie_ids)
    columns = np.full(len(movie_ids), -1)
    columns[known] = model.collaborative_index[found[known]]
    scored = np.flatnonzero(columns >= 0)
    scores = np.zeros(len(movie_ids))
    if len(rows) and len(scored):
        scores[scored] = _collaborative_weights(model, rows, columns[scored]).sum(axis=0, dtype=np.float64)
    return scores
