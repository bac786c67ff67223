"""Ratings as parallel arrays, raw id <-> index maps and the user x item interaction matrix."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Ratings:
    """One entry per rating, as parallel arrays keyed by raw (database) ids."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray

    def __len__(self) -> int:
        return len(self.user_ids)

    def select(self, mask: np.ndarray) -> "Ratings":
        return Ratings(self.user_ids[mask], self.item_ids[mask], self.ratings[mask], self.timestamps[mask])


@dataclass(frozen=True)
class IdIndex:
    """Sorted unique raw ids; an id's position is its contiguous matrix index."""

    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def indices_of(self, raw_ids: np.ndarray) -> np.ndarray:
        positions = np.searchsorted(self.ids, raw_ids)
        known = positions < len(self.ids)
        known[known] = self.ids[positions[known]] == np.asarray(raw_ids)[known]
        if not known.all():
            raise KeyError(f"unknown ids: {np.asarray(raw_ids)[~known][:5].tolist()}")
        return positions

    def ids_of(self, indices: np.ndarray) -> np.ndarray:
        return self.ids[indices]


def index_ids(*raw_id_arrays: np.ndarray) -> IdIndex:
    """Index over every id in the given arrays (pass train and test so both share one index)."""
    return IdIndex(np.unique(np.concatenate(raw_id_arrays)))


def interaction_matrix(
    user_indices: np.ndarray,
    item_indices: np.ndarray,
    values: np.ndarray,
    *,
    shape: tuple[int, int],
    binary: bool,
) -> sp.csr_array:
    """CSR user x item matrix; a repeated (user, item) pair keeps its last value."""
    keys = user_indices.astype(np.int64) * shape[1] + item_indices
    # np.unique keeps the first occurrence, so look at the pairs back to front to keep the last one.
    _, first_from_end = np.unique(keys[::-1], return_index=True)
    last = len(keys) - 1 - first_from_end
    data = np.ones(len(last)) if binary else np.asarray(values, dtype=np.float64)[last]
    return sp.csr_array((data, (user_indices[last], item_indices[last])), shape=shape)


def ratings_matrix(ratings: Ratings, users: IdIndex, items: IdIndex, *, binary: bool) -> sp.csr_array:
    return interaction_matrix(
        users.indices_of(ratings.user_ids),
        items.indices_of(ratings.item_ids),
        ratings.ratings,
        shape=(len(users), len(items)),
        binary=binary,
    )


def ratings_from_rows(rows: Sequence[tuple[int, int, float, float]]) -> Ratings:
    """Ratings from ``(user id, item id, rating, timestamp)`` rows, e.g. a MovieLens file's."""
    columns = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return Ratings(
        user_ids=columns[:, 0].astype(np.int64),
        item_ids=columns[:, 1].astype(np.int64),
        ratings=columns[:, 2],
        timestamps=columns[:, 3].astype(np.int64),
    )
