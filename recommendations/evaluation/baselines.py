"""The baselines the evaluation report compares our models against; neither is served.

- Popularity: the most-rated items, the baseline every personalised model has to beat.
- The naive user-user sketch from the project plan, kept to show why it was not shipped: cosine similarity
  between users' rating rows, the 10 most similar other users, and each unseen item ranked by the plain mean of
  those neighbours' ratings of it. An obscure item one neighbour rated 5 outranks a film eight neighbours rated
  4.5, so it mostly recommends obscure items.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from recommendations.engine.ranking import top_k_per_row

PLAN_USER_NEIGHBOURS = 10


def fit_popularity(train: sp.csr_array) -> np.ndarray:
    """Number of users who interacted with each item."""
    return np.asarray((train != 0).sum(axis=0), dtype=np.float64).ravel()


def popularity_scores(item_popularity: np.ndarray, n_users: int) -> np.ndarray:
    """The same popularity row for each of ``n_users`` users."""
    return np.broadcast_to(item_popularity, (n_users, len(item_popularity)))


def naive_user_knn_scores(
    train_ratings: sp.csr_array, users: np.ndarray, *, n_neighbours: int = PLAN_USER_NEIGHBOURS
) -> np.ndarray:
    """Mean rating of each item among each user's most similar users; NaN where none of them rated it."""
    normalised = normalize(train_ratings)
    similarities = (normalised[users] @ normalised.T).toarray()
    similarities[np.arange(len(users)), users] = -np.inf
    neighbours, _ = top_k_per_row(similarities, n_neighbours)

    neighbour_rows = np.repeat(np.arange(len(users)), neighbours.shape[1])
    membership = sp.csr_array(
        (np.ones(neighbours.size), (neighbour_rows, neighbours.ravel())), shape=(len(users), train_ratings.shape[0])
    )
    rating_sums = (membership @ train_ratings).toarray()
    rating_counts = (membership @ (train_ratings != 0).astype(np.float64)).toarray()
    with np.errstate(invalid="ignore"):
        return rating_sums / rating_counts
