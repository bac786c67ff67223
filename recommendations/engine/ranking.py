"""Exact, deterministic top-k selection over dense score rows."""

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

# Pads result rows that have fewer than k candidates; never a valid index.
NO_ITEM = -1

UserScorer = Callable[[np.ndarray], np.ndarray]
"""Maps a batch of user indices to a dense (len(users), n_items) score array."""


def top_k_per_row(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of each row's ``k`` largest scores, best first; ties go to the lower index."""
    n_rows, n_columns = scores.shape
    k = min(k, n_columns)
    if k == 0:
        return np.empty((n_rows, 0), dtype=np.int64), np.empty((n_rows, 0), dtype=scores.dtype)

    candidates = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    candidate_scores = np.take_along_axis(scores, candidates, axis=1)
    order = np.lexsort((candidates, -candidate_scores), axis=1)
    best = np.take_along_axis(candidates, order, axis=1)

    # argpartition picks arbitrarily among scores tied with the k-th one; redo those rows with a stable sort.
    kth_scores = candidate_scores.min(axis=1)
    for row in np.flatnonzero((scores >= kth_scores[:, None]).sum(axis=1) > k):
        best[row] = np.argsort(-scores[row], kind="stable")[:k]
    return best, np.take_along_axis(scores, best, axis=1)


def top_k_unseen(scores: np.ndarray, seen: sp.csr_array, k: int) -> np.ndarray:
    """Top-``k`` item indices per row, never an item the user has already seen (nonzero in ``seen``).

    Items scored ``-inf`` (e.g. nothing to score them by) are not recommended; short rows are padded with
    ``NO_ITEM``.
    """
    scores = np.array(scores, dtype=np.float64)
    seen_rows, seen_items = seen.nonzero()
    scores[seen_rows, seen_items] = -np.inf
    scores[np.isnan(scores)] = -np.inf
    best, best_scores = top_k_per_row(scores, k)
    best[np.isneginf(best_scores)] = NO_ITEM
    return _pad_columns(best, k)


def recommend_top_k(
    score_users: UserScorer, seen: sp.csr_array, users: np.ndarray, *, k: int, batch_size: int = 1024
) -> np.ndarray:
    """Top-``k`` unseen items for each user in ``users``, scored in batches to bound memory."""
    if len(users) == 0:
        return np.empty((0, k), dtype=np.int64)
    chunks = []
    for start in range(0, len(users), batch_size):
        batch = users[start : start + batch_size]
        chunks.append(top_k_unseen(score_users(batch), seen[batch], k))
    return np.vstack(chunks)


def _pad_columns(indices: np.ndarray, k: int) -> np.ndarray:
    missing = k - indices.shape[1]
    if missing <= 0:
        return indices
    return np.pad(indices, ((0, 0), (0, missing)), constant_values=NO_ITEM)
