"""Most-rated items: the baseline every personalised model has to beat, and the cold-start fallback."""

import numpy as np
import scipy.sparse as sp


def fit_popularity(train: sp.csr_array) -> np.ndarray:
    """Number of users who interacted with each item."""
    return np.asarray((train != 0).sum(axis=0), dtype=np.float64).ravel()


def popularity_scores(item_popularity: np.ndarray, n_users: int) -> np.ndarray:
    """The same popularity row for each of ``n_users`` users."""
    return np.broadcast_to(item_popularity, (n_users, len(item_popularity)))
