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
from django.db.models import QuerySet

from activity.models import DiaryEntry, MovieLike, WatchedMark
from movies.models import Movie
from recommendations.artefacts import EASE, ITEM_KNN, NO_COLLABORATIVE, ModelArrays
from recommendations.engine.content import ContentModel, content_neighbours, fit_content_model, movie_document
from recommendations.engine.ease import fit_ease
from recommendations.engine.interactions import index_ids, interaction_matrix
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


@dataclass(frozen=True)
class _Content:
    """The fitted TF-IDF model (None when there was nothing to fit) and every movie's top-K neighbours."""

    model: ContentModel | None
    neighbour_indices: np.ndarray
    neighbour_scores: np.ndarray


@dataclass(frozen=True)
class _Collaborative:
    """Which collaborative model was fitted, over which movies (the reviewed ones), and its weights."""

    kind: str
    movie_ids: np.ndarray
    ease_weights: np.ndarray | None = None
    knn_weights: sp.csr_array | None = None


class _Laps:
    """Seconds spent in each named step of the build, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self._clock
        self._clock = now


def names_in(values: object) -> list[str]:
    """The names in one of a movie's JSON list fields (keywords, cast, directors); anything but a string is
    skipped, and anything but a list has none."""
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


def movie_text(movie: Movie, genre_names: list[str]) -> str:
    """The document TF-IDF sees for one movie: whatever it has of description, genres, keywords, cast, director."""
    return movie_document(
        title=movie.title,
        description=movie.description,
        genres=genre_names,
        keywords=names_in(movie.keywords),
        cast=names_in(movie.cast)[:DOCUMENT_CAST],
        directors=names_in(movie.directors),
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


def _interactions() -> QuerySet:
    parts = [
        model._default_manager.order_by().values_list("user_id", "movie_id")
        for model in (Review, MovieLike, DiaryEntry, WatchedMark)
    ]
    return parts[0].union(*parts[1:])


def interaction_pairs() -> tuple[np.ndarray, np.ndarray]:
    """(user ids, movie ids) of every film each member reviewed, liked, logged or marked watched, once each."""
    rows = np.array(list(_interactions()), dtype=np.int64)
    rows = rows.reshape(-1, 2)
    return rows[:, 0], rows[:, 1]


def interaction_count() -> int:
    """How many pairs interaction_pairs() would return, counted by the database."""
    return _interactions().count()


def build_model_arrays(*, neighbours: int | None = None) -> tuple[ModelArrays, BuildStats]:
    """Fit content neighbours and the collaborative model on the whole catalogue and every interaction (a review,
    like, diary entry or watched mark: ``reviews`` in the stats counts these user-film pairs)."""
    laps = _Laps()
    movie_ids, documents = catalogue_documents()
    laps.lap("load catalogue")
    content = _content(documents, neighbours or settings.RECOMMENDER_NEIGHBOURS)
    laps.lap("content neighbours")
    user_ids, reviewed_movie_ids = interaction_pairs()
    laps.lap("load interactions")
    collaborative = _collaborative(user_ids, reviewed_movie_ids)
    laps.lap(f"fit {collaborative.kind}")
    arrays = ModelArrays(
        movie_ids=movie_ids,
        collaborative=collaborative.kind,
        collaborative_movie_ids=collaborative.movie_ids,
        ease_weights=collaborative.ease_weights,
        knn_weights=collaborative.knn_weights,
        neighbour_indices=content.neighbour_indices,
        neighbour_scores=content.neighbour_scores,
        content=content.model,
    )
    stats = BuildStats(
        movies=len(movie_ids),
        reviewed_movies=len(collaborative.movie_ids),
        users=len(np.unique(user_ids)),
        reviews=len(user_ids),
        seconds=laps.seconds,
    )
    return arrays, stats


def _content(documents: list[str], neighbours: int) -> _Content:
    shape = (len(documents), neighbours)
    empty = _Content(None, np.full(shape, NO_ITEM, dtype=np.int64), np.zeros(shape))
    if not documents:
        return empty
    try:
        model = fit_content_model(documents)
    except ValueError:  # not a single usable word in the whole catalogue
        logger.warning("no content to build movie neighbours from")
        return empty
    indices, similarities = content_neighbours(model, k=neighbours)
    return _Content(model, indices, similarities)


def _collaborative(user_ids: np.ndarray, movie_ids: np.ndarray) -> _Collaborative:
    """EASE up to RECOMMENDER_EASE_MAX_ITEMS reviewed movies, sparse item kNN above that.

    EASE holds a dense items x items float64 matrix, 8 I^2 bytes (22.6 MB at 1,682 items, 800 MB at 10,000),
    and fits by inverting it, O(I^3). Item kNN keeps 100 neighbours per item, O(100 I) memory, built chunk by
    chunk; both score a user by summing the rows of the items they reviewed.
    """
    users, items = index_ids(user_ids), index_ids(movie_ids)
    if len(items) == 0:
        return _Collaborative(NO_COLLABORATIVE, items.ids)
    interactions = interaction_matrix(
        users.indices_of(user_ids),
        items.indices_of(movie_ids),
        np.ones(len(user_ids)),
        shape=(len(users), len(items)),
        binary=True,
    )
    if len(items) <= settings.RECOMMENDER_EASE_MAX_ITEMS:
        return _Collaborative(EASE, items.ids, ease_weights=fit_ease(interactions, l2=settings.RECOMMENDER_EASE_L2))
    return _Collaborative(ITEM_KNN, items.ids, knn_weights=fit_item_knn(interactions))
