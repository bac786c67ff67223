"""Top-K cosine neighbours between the rows of sparse matrices, built chunk by chunk."""

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from recommendations.engine.ranking import NO_ITEM, top_k_per_row

DEFAULT_CHUNK_SIZE = 512


def cosine_neighbours(
    vectors: sp.sparray, *, k: int, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most cosine-similar other rows, as (n_rows, k) index and similarity arrays.

    A row is never its own neighbour. Rows sharing no feature are not neighbours: short rows are padded
    with ``NO_ITEM`` and similarity 0. Similarities are computed one row chunk at a time, so memory is
    bounded by ``chunk_size x n_rows``, never ``n_rows x n_rows``.
    """
    unit_vectors = normalize(vectors)  # unit rows: dot products are cosines
    unit_vectors_t = unit_vectors.T.tocsr()
    n_rows = unit_vectors.shape[0]
    indices = np.full((n_rows, k), NO_ITEM, dtype=np.int64)
    similarities = np.zeros((n_rows, k))
    for start in range(0, n_rows, chunk_size):
        stop = min(start + chunk_size, n_rows)
        block = (unit_vectors[start:stop] @ unit_vectors_t).toarray()
        block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        indices[start:stop], similarities[start:stop] = _related_top_k(block, k)
    return indices, similarities


def cosine_neighbours_of(query: sp.sparray, vectors: sp.sparray, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``vectors`` most cosine-similar to each row of ``query``, padded like ``cosine_neighbours``."""
    block = (normalize(query) @ normalize(vectors).T).toarray()
    return _related_top_k(block, k)


def neighbours_to_matrix(indices: np.ndarray, similarities: np.ndarray, *, n_columns: int) -> sp.csr_array:
    """Sparse (n_rows, n_columns) matrix with each row's neighbour similarities, padding dropped."""
    rows = np.repeat(np.arange(indices.shape[0]), indices.shape[1])
    kept = indices.ravel() != NO_ITEM
    return sp.csr_array(
        (similarities.ravel()[kept], (rows[kept], indices.ravel()[kept])), shape=(indices.shape[0], n_columns)
    )


def _related_top_k(similarities: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    best, best_similarities = top_k_per_row(similarities, k)
    indices = np.full((similarities.shape[0], k), NO_ITEM, dtype=np.int64)
    values = np.zeros((similarities.shape[0], k))
    related = best_similarities > 0
    indices[:, : best.shape[1]] = np.where(related, best, NO_ITEM)
    values[:, : best.shape[1]] = np.where(related, best_similarities, 0.0)
    return indices, values
