"""Offline builders: read the catalogue and the reviews once, fit the models, return plain arrays.

Nothing here serves a request. services.recommendations_build runs these under the build lock, writes the
artefact and the neighbour rows, and switches the served version.
"""

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.conf import settings

from movies.models import Movie
from recommendations.artefacts import EASE, ITEM_KNN, NO_COLLABORATIVE, ModelArrays
from recommendations.engine.content import content_neighbours, fit_content_model, movie_document
from recommendations.engine.ease import fit_ease
from recommendations.engine.item_knn import fit_item_knn
from recommendations.engine.ranking import NO_ITEM
from reviews.models import Review

logger = logging.getLogger(__name__)

# Top-billed actors that go into a movie's document: the stars make sequels neighbours, the rest is noise.
DOCUMENT_CAST = 5


@dataclass(frozen=True)
class BuildStats:
    movies: int
    reviewed_movies: int
    users: int
    reviews: int
    seconds: dict[str, float]


def movie_text(movie: Movie, genre_names: list[str]) -> str:
    """The document TF-IDF sees for one movie: whatever it has of description, genres, keywords, cast, director."""
    return movie_document(
        title=movie.title,
        description=movie.description,
        genres=genre_names,
        keywords=names(movie.keywords),
        cast=names(movie.cast)[:DOCUMENT_CAST],
        directors=names(movie.directors),
    )


def catalogue_documents() -> tuple[np.ndarray, list[str]]:
    """Every movie's pk (ascending) and document, in two queries."""
    genres: dict[int, list[str]] = {}
    for movie_id, name in Movie.genres.through.objects.order_by("genre__name").values_list("movie_id", "genre__name"):
        genres.setdefault(movie_id, []).append(name)
    movies = Movie.objects.order_by("pk").only("pk", "title", "description", "keywords", "cast", "directors")
    ids, documents = [], []
    for movie in movies.iterator(chunk_size=5000):
        ids.append(movie.pk)
        documents.append(movie_text(movie, genres.get(movie.pk, [])))
    return np.array(ids, dtype=np.int64), documents


def review_pairs() -> tuple[np.ndarray, np.ndarray]:
    """(user ids, movie ids) of every review."""
    rows = np.array(list(Review.objects.order_by().values_list("user_id", "movie_id")), dtype=np.int64)
    rows = rows.reshape(-1, 2)
    return rows[:, 0], rows[:, 1]


def build_model_arrays(*, neighbours: int | None = None) -> tuple[ModelArrays, BuildStats]:
    neighbours = neighbours or settings.RECOMMENDER_NEIGHBOURS
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = now - clock
        clock = now

    movie_ids, documents = catalogue_documents()
    lap("load catalogue")
    content, neighbour_indices, neighbour_scores = _content(documents, neighbours)
    lap("content neighbours")
    user_ids, reviewed_movie_ids = review_pairs()
    lap("load reviews")
    collaborative, collaborative_movie_ids, ease_weights, knn_weights = _collaborative(user_ids, reviewed_movie_ids)
    lap(f"fit {collaborative}")
    arrays = ModelArrays(
        movie_ids=movie_ids,
        collaborative=collaborative,
        collaborative_movie_ids=collaborative_movie_ids,
        ease_weights=ease_weights,
        knn_weights=knn_weights,
        neighbour_indices=neighbour_indices,
        neighbour_scores=neighbour_scores,
        content=content,
    )
    stats = BuildStats(
        movies=len(movie_ids),
        reviewed_movies=len(collaborative_movie_ids),
        users=len(np.unique(user_ids)),
        reviews=len(user_ids),
        seconds=seconds,
    )
    return arrays, stats


def _content(documents: list[str], neighbours: int):
    shape = (len(documents), neighbours)
    empty = (None, np.full(shape, NO_ITEM, dtype=np.int64), np.zeros(shape))
    if not documents:
        return empty
    try:
        model = fit_content_model(documents)
    except ValueError:  # not a single usable word in the whole catalogue
        logger.warning("no content to build movie neighbours from")
        return empty
    indices, similarities = content_neighbours(model, k=neighbours)
    return model, indices, similarities


def _collaborative(user_ids: np.ndarray, movie_ids: np.ndarray):
    """EASE up to RECOMMENDER_EASE_MAX_ITEMS reviewed movies, sparse item kNN above that.

    EASE holds a dense items x items float64 matrix, 8 I^2 bytes (22.6 MB at 1,682 items, 800 MB at 10,000),
    and fits by inverting it, O(I^3). Item kNN keeps 100 neighbours per item, O(100 I) memory, built chunk by
    chunk; both score a user by summing the rows of the items they reviewed.
    """
    items = np.unique(movie_ids)
    if len(items) == 0:
        return NO_COLLABORATIVE, items, None, None
    users, user_index = np.unique(user_ids, return_inverse=True)
    interactions = sp.csr_array(
        (np.ones(len(user_ids)), (user_index, np.searchsorted(items, movie_ids))), shape=(len(users), len(items))
    )
    interactions.sum_duplicates()
    interactions.data[:] = 1.0
    if len(items) <= settings.RECOMMENDER_EASE_MAX_ITEMS:
        return EASE, items, fit_ease(interactions, l2=settings.RECOMMENDER_EASE_L2), None
    return ITEM_KNN, items, None, fit_item_knn(interactions)


def names(values) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []
