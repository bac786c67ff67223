"""The on-disk form of one model version: a single uncompressed .npz, written once and never changed.

It holds plain arrays only (loaded with ``allow_pickle=False``): the movie index, the collaborative weights
(EASE's dense matrix or item kNN's sparse one), every movie's top-K content neighbours, and the fitted TF-IDF
vocabulary, IDF weights and item vectors so a new movie can be placed without refitting.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.lib.npyio import NpzFile

from recommendations.engine.content import ContentModel, restore_content_model
from recommendations.engine.neighbours import neighbours_to_matrix

FORMAT = 1
EASE = "ease"
ITEM_KNN = "item_knn"
NO_COLLABORATIVE = "none"


@dataclass(frozen=True)
class ModelArrays:
    """Everything a build produces, indexed by position in ``movie_ids`` (sorted movie pks)."""

    movie_ids: np.ndarray
    collaborative: str
    collaborative_movie_ids: np.ndarray
    ease_weights: np.ndarray | None
    knn_weights: sp.csr_array | None
    neighbour_indices: np.ndarray
    neighbour_scores: np.ndarray
    content: ContentModel | None


@dataclass(frozen=True)
class ServedModel:
    """What a web worker keeps in memory to answer for-you and by-genre without touching the artefact again."""

    version_id: int
    movie_ids: np.ndarray
    collaborative: str
    # Position in movie_ids of each collaborative item, and the reverse (-1: not a collaborative item).
    collaborative_positions: np.ndarray
    collaborative_index: np.ndarray
    ease_weights: np.ndarray | None
    knn_weights: sp.csr_array | None
    content_similarity: sp.csr_array

    @property
    def nbytes(self) -> int:
        arrays = [self.movie_ids, self.collaborative_positions, self.collaborative_index]
        if self.ease_weights is not None:
            arrays.append(self.ease_weights)
        for matrix in (self.knn_weights, self.content_similarity):
            if matrix is not None:
                arrays += [matrix.data, matrix.indices, matrix.indptr]
        return sum(array.nbytes for array in arrays)


def save(arrays: ModelArrays, directory: Path, name: str) -> Path:
    """Write the artefact to a temporary file in ``directory`` and rename it into place.

    The rename is atomic, so a reader sees either no file or the complete one.
    """
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": np.array(FORMAT),
        "movie_ids": arrays.movie_ids.astype(np.int64),
        "collaborative": np.array(arrays.collaborative),
        "collaborative_movie_ids": arrays.collaborative_movie_ids.astype(np.int64),
        "neighbour_indices": arrays.neighbour_indices.astype(np.int32),
        "neighbour_scores": arrays.neighbour_scores.astype(np.float64),
    }
    if arrays.ease_weights is not None:
        payload["ease_weights"] = arrays.ease_weights
    if arrays.knn_weights is not None:
        payload.update(_csr_payload("knn", arrays.knn_weights))
    if arrays.content is not None:
        payload["vocabulary"] = np.array(arrays.content.vectorizer.get_feature_names_out(), dtype=np.str_)
        payload["idf"] = arrays.content.vectorizer.idf_
        payload.update(_csr_payload("tfidf", arrays.content.item_vectors))
    final = directory / name
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            np.savez(file, allow_pickle=False, **payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return final


def load_served(path: Path, *, version_id: int) -> ServedModel:
    with np.load(path, allow_pickle=False) as data:
        if int(data["format"]) != FORMAT:
            raise ValueError(f"{path}: artefact format {int(data['format'])}, expected {FORMAT}")
        movie_ids = data["movie_ids"]
        collaborative_movie_ids = data["collaborative_movie_ids"]
        collaborative = str(data["collaborative"])
        # Row-major, or every x_u B would copy the whole matrix (scipy ravels it) instead of reading x_u's rows.
        ease_weights = np.ascontiguousarray(data["ease_weights"]) if collaborative == EASE else None
        knn_weights = _csr_from(data, "knn") if collaborative == ITEM_KNN else None
        neighbour_indices, neighbour_scores = data["neighbour_indices"], data["neighbour_scores"]
    positions = np.searchsorted(movie_ids, collaborative_movie_ids)
    index = np.full(len(movie_ids), -1, dtype=np.int64)
    index[positions] = np.arange(len(positions))
    content_similarity = neighbours_to_matrix(
        neighbour_indices.astype(np.int64), neighbour_scores, n_columns=len(movie_ids)
    )
    return ServedModel(
        version_id=version_id,
        movie_ids=movie_ids,
        collaborative=collaborative,
        collaborative_positions=positions,
        collaborative_index=index,
        ease_weights=ease_weights,
        knn_weights=knn_weights,
        content_similarity=content_similarity,
    )


def load_content(path: Path) -> tuple[np.ndarray, ContentModel] | None:
    """The movie index and the fitted TF-IDF model, or None when the build had no content to fit."""
    with np.load(path, allow_pickle=False) as data:
        if "vocabulary" not in data:
            return None
        vocabulary = data["vocabulary"].tolist()
        idf = data["idf"]
        item_vectors = _csr_from(data, "tfidf")
        movie_ids = data["movie_ids"]
    return movie_ids, restore_content_model(vocabulary, idf, item_vectors)


def _csr_payload(prefix: str, matrix: sp.sparray) -> dict[str, np.ndarray]:
    matrix = sp.csr_array(matrix)
    return {
        f"{prefix}_data": matrix.data,
        f"{prefix}_indices": matrix.indices,
        f"{prefix}_indptr": matrix.indptr,
        f"{prefix}_shape": np.array(matrix.shape, dtype=np.int64),
    }


def _csr_from(data: NpzFile, prefix: str) -> sp.csr_array:
    shape = tuple(int(value) for value in data[f"{prefix}_shape"])
    return sp.csr_array((data[f"{prefix}_data"], data[f"{prefix}_indices"], data[f"{prefix}_indptr"]), shape=shape)
