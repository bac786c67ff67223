"""Item-based k-nearest neighbours: an item scores by its cosine similarity to the items a user has."""

import numpy as np
import scipy.sparse as sp

from recommendations.engine.neighbours import DEFAULT_CHUNK_SIZE, cosine_neighbours, neighbours_to_matrix

DEFAULT_ITEM_NEIGHBOURS = 100


def fit_item_knn(
    train: sp.csr_array, *, n_neighbours: int = DEFAULT_ITEM_NEIGHBOURS, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> sp.csr_array:
    """Sparse item x item matrix holding, in row i, the similarities of item i's top neighbours."""
    indices, similarities = cosine_neighbours(train.T, k=n_neighbours, chunk_size=chunk_size)
    return neighbours_to_matrix(indices, similarities, n_columns=train.shape[1])


def item_knn_scores(item_similarity: sp.csr_array, user_rows: sp.csr_array) -> np.ndarray:
    """Sum of similarities from each user's items to every item, as a dense (n_users, n_items) array."""
    return (sp.csr_array(user_rows) @ item_similarity).toarray()
