"""Recommender writes: the nightly build (under a lock), the version switch, and a new movie's neighbours."""

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from core.bulk import insert_rows
from core.caching import catalogue_changed
from movies.models import Movie
from recommendations import artefacts, builders
from recommendations.engine.content import ContentModel, new_item_neighbours
from recommendations.engine.ranking import NO_ITEM
from recommendations.models import ModelVersion, RecommenderState, SimilarMovie
from recommendations.serving import publish_active_version, stored_active_version_id, unpublish_active_version
from reviews.models import Review

logger = logging.getLogger(__name__)

SIMILAR_TABLE = SimilarMovie._meta.db_table
SIMILAR_COLUMNS = ("version_id", "movie_id", "neighbour_id", "score", "rank")
ARTEFACT_GLOB = "model-*.npz"


class BuildInProgress(Exception):
    """Another build holds the lock, until ``expires_at`` unless it finishes first (None: it was just released)."""

    def __init__(self, message: str, expires_at: datetime | None = None) -> None:
        super().__init__(message)
        self.expires_at = expires_at


@dataclass(frozen=True)
class BuildResult:
    version: ModelVersion
    stats: builders.BuildStats


def _state_ensure() -> None:
    RecommenderState.objects.get_or_create(pk=RecommenderState.SINGLETON_PK)


@contextmanager
def build_lock() -> Iterator[str]:
    """Hold the build lease for the duration of the block, or raise BuildInProgress.

    A conditional UPDATE takes it: the row only changes when nobody holds an unexpired lease, and the database
    applies that check and the write as one step, so of two builds started together (in any processes, on any
    hosts) exactly one gets the row. The lease expires after RECOMMENDER_BUILD_LOCK_SECONDS, so a build that was
    killed cannot block the next night's.
    """
    _state_ensure()
    token = secrets.token_hex(16)
    expires_at = timezone.now() + timedelta(seconds=settings.RECOMMENDER_BUILD_LOCK_SECONDS)
    taken = (
        RecommenderState.objects.filter(pk=RecommenderState.SINGLETON_PK)
        .filter(Q(build_lock_expires_at__isnull=True) | Q(build_lock_expires_at__lt=Now()))
        .update(build_lock_token=token, build_lock_expires_at=expires_at)
    )
    if not taken:
        state = RecommenderState.objects.filter(pk=RecommenderState.SINGLETON_PK)
        held_until = state.values_list("build_lock_expires_at", flat=True).first()
        raise BuildInProgress("another recommendations build is running", expires_at=held_until)
    try:
        yield token
    finally:
        RecommenderState.objects.filter(pk=RecommenderState.SINGLETON_PK, build_lock_token=token).update(
            build_lock_token="", build_lock_expires_at=None
        )


def recommendations_build(*, activate: bool = True, neighbours: int | None = None) -> BuildResult:
    """Rebuild content neighbours and the collaborative model as a new version; switch to it if ``activate``.

    Raises BuildInProgress when another build holds the lock. The served version keeps answering until the
    switch, and a failed build leaves it untouched.
    """
    with build_lock():
        started, started_at = time.perf_counter(), timezone.now()
        arrays, stats = builders.build_model_arrays(neighbours=neighbours)
        clock = time.perf_counter()
        name = f"model-{started_at:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.npz"
        artefacts.save(arrays, Path(settings.RECOMMENDER_MODEL_DIR), name)
        stats.seconds["write artefact"] = time.perf_counter() - clock
        version = ModelVersion.objects.create(
            artefact=name,
            collaborative=arrays.collaborative,
            movie_count=stats.movies,
            reviewed_movie_count=stats.reviewed_movies,
            user_count=stats.users,
            review_count=stats.reviews,
        )
        clock = time.perf_counter()
        similar_rows_write(version.pk, arrays.movie_ids, arrays.neighbour_indices, arrays.neighbour_scores)
        stats.seconds["write neighbours"] = time.perf_counter() - clock
        version.build_seconds = time.perf_counter() - started
        version.save(update_fields=["build_seconds"])
        if activate:
            version_activate(version)
            # Movies created while this build read the catalogue are not in it; place them now.
            for movie_id in Movie.objects.filter(created_at__gte=started_at).values_list("pk", flat=True):
                movie_neighbours_refresh(movie_id)
        logger.info(
            "recommendations build %s: %s movies, %s reviews, %s model; %s",
            version.pk,
            stats.movies,
            stats.reviews,
            arrays.collaborative,
            ", ".join(f"{step} {seconds:.2f} s" for step, seconds in stats.seconds.items()),
        )
        return BuildResult(version, stats)


def version_activate(version: ModelVersion) -> None:
    """Serve ``version`` from now on: one UPDATE of the state row, then tell the web workers.

    Workers notice within RECOMMENDER_VERSION_CHECK_SECONDS and load the new artefact; versions older than the
    one replaced are deleted with their neighbour rows and files (the replaced one stays for the workers that
    have not switched yet).
    """
    _state_ensure()
    previous = stored_active_version_id()
    with transaction.atomic():
        RecommenderState.objects.filter(pk=RecommenderState.SINGLETON_PK).update(active_version=version)
        # Readers in this transaction see the new version at once; everyone else once it is committed.
        unpublish_active_version()
        transaction.on_commit(lambda: publish_active_version(version.pk))
    versions_prune(keep={version.pk, previous})


def stale_reason() -> str | None:
    """Why the served model does not match the database (None when it does): nothing served yet, its artefact gone,
    the number of movies or of member-film interactions not the one it was built from, or a movie or review edited
    since its build began.

    A cheap check for ``build_recommendations --if-stale`` (make run runs it at each start), not a proof: a change
    that keeps every count and leaves no newer date (one like taken back and another given) waits for the next build.
    """
    active = stored_active_version_id()
    version = ModelVersion.objects.filter(pk=active).first() if active is not None else None
    if version is None:
        return "no model is served yet"
    if not (Path(settings.RECOMMENDER_MODEL_DIR) / version.artefact).is_file():
        return "the served model's file is missing"
    if Movie.objects.count() != version.movie_count:
        return "the catalogue changed since the last build"
    if builders.interaction_count() != version.review_count:
        return "members' activity changed since the last build"
    since = Q(updated_at__gt=version.created_at - timedelta(seconds=version.build_seconds))
    if Movie.objects.filter(since).exists() or Review.objects.filter(since).exists():
        return "movies or reviews were edited since the last build"
    return None


def versions_prune(*, keep: set[int | None]) -> None:
    ModelVersion.objects.exclude(pk__in=[pk for pk in keep if pk is not None]).delete()
    kept_files = set(ModelVersion.objects.values_list("artefact", flat=True))
    for path in Path(settings.RECOMMENDER_MODEL_DIR).glob(ARTEFACT_GLOB):
        if path.name not in kept_files:
            path.unlink(missing_ok=True)


def similar_rows_write(version_id: int, movie_ids: np.ndarray, indices: np.ndarray, scores: np.ndarray) -> int:
    """Store every movie's neighbours for ``version_id`` in bulk; returns the number of rows.

    Movies deleted since the catalogue was read are left out. Each batch commits on its own: the rows are
    invisible until the version is activated, and a failed build's rows go when its version is pruned.
    """
    n_movies, k = indices.shape
    kept = indices != NO_ITEM
    rows_movie = np.repeat(movie_ids, k)[kept.ravel()]
    rows_neighbour = movie_ids[indices[kept]]
    rows_rank = np.tile(np.arange(k), n_movies)[kept.ravel()]
    rows_score = scores[kept]
    existing = np.array(sorted(Movie.objects.values_list("pk", flat=True)), dtype=np.int64)
    alive = np.isin(rows_movie, existing) & np.isin(rows_neighbour, existing)
    columns = (
        np.full(int(alive.sum()), version_id).tolist(),
        rows_movie[alive].tolist(),
        rows_neighbour[alive].tolist(),
        rows_score[alive].tolist(),
        rows_rank[alive].tolist(),
    )
    rows = list(zip(*columns, strict=True))
    insert_rows(SIMILAR_TABLE, SIMILAR_COLUMNS, rows)
    return len(rows)


# --- A new or changed movie ------------------------------------------------------------------------------------

_content_models: dict[int, tuple[np.ndarray, ContentModel] | None] = {}
_content_models_lock = threading.Lock()


def _content_model(version: ModelVersion) -> tuple[np.ndarray, ContentModel] | None:
    """The active version's TF-IDF model, read from its artefact once per process."""
    with _content_models_lock:
        if version.pk not in _content_models:
            path = Path(settings.RECOMMENDER_MODEL_DIR) / version.artefact
            _content_models.clear()
            _content_models[version.pk] = artefacts.load_content(path)
        return _content_models[version.pk]


def movie_neighbours_refresh(movie_id: int) -> int:
    """Place one movie among the active version's neighbours without a rebuild; returns how many it got.

    Its document is projected with the fitted vocabulary and IDF weights (words the build never saw are
    ignored) and compared with every movie of the build. It gets its top K, and it joins the lists of those
    neighbours where it beats their K-th. A no-op until a first build exists; the next build recomputes all.
    """
    active = stored_active_version_id()
    version = ModelVersion.objects.filter(pk=active).first() if active is not None else None
    movie = Movie.objects.filter(pk=movie_id).first()
    if version is None or movie is None:
        return 0
    content = _content_model(version)
    if content is None:
        return 0
    movie_ids, model = content
    k = settings.RECOMMENDER_NEIGHBOURS
    genre_names = list(movie.genres.order_by("name").values_list("name", flat=True))
    indices, similarities = new_item_neighbours(model, builders.movie_text(movie, genre_names), k=k + 1)
    found = indices != NO_ITEM
    candidates = dict(zip(movie_ids[indices[found]].tolist(), similarities[found].tolist(), strict=True))
    candidates.pop(movie.pk, None)  # a movie is never its own neighbour
    alive = set(Movie.objects.filter(pk__in=list(candidates)).values_list("pk", flat=True))
    neighbours = [(other, score) for other, score in candidates.items() if other in alive][:k]
    with transaction.atomic():
        _version_lock(version)
        SimilarMovie.objects.filter(version=version, movie_id=movie.pk).delete()
        SimilarMovie.objects.bulk_create(
            SimilarMovie(version=version, movie_id=movie.pk, neighbour_id=other, score=score, rank=rank)
            for rank, (other, score) in enumerate(neighbours)
        )
        _join_neighbour_lists(version, movie.pk, dict(neighbours), k=k)
        catalogue_changed()
    return len(neighbours)


def _version_lock(version: ModelVersion) -> None:
    """One refresh at a time per version until the transaction ends (TMDB imports save movies from several
    threads): each rewrites other movies' lists from what it reads. SQLite serialises writers anyway."""
    list(ModelVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True))


def _join_neighbour_lists(version: ModelVersion, movie_id: int, scores: dict[int, float], *, k: int) -> None:
    """Put ``movie_id`` into its neighbours' lists where it now ranks, and out of the lists it no longer fits."""
    holders = SimilarMovie.objects.filter(version=version, neighbour_id=movie_id).values_list("movie_id", flat=True)
    owners = set(scores) | set(holders)
    lists: dict[int, list[tuple[int, float]]] = {owner: [] for owner in owners}
    rows = SimilarMovie.objects.filter(version=version, movie_id__in=list(owners)).order_by("movie_id", "rank")
    for owner, neighbour, score in rows.values_list("movie_id", "neighbour_id", "score"):
        lists[owner].append((neighbour, score))
    changed = {}
    for owner, current in lists.items():
        others = [pair for pair in current if pair[0] != movie_id]
        if owner in scores:
            others.append((movie_id, scores[owner]))
        merged = sorted(others, key=lambda pair: (-pair[1], pair[0]))[:k]
        if merged != current:
            changed[owner] = merged
    if not changed:
        return
    SimilarMovie.objects.filter(version=version, movie_id__in=list(changed)).delete()
    SimilarMovie.objects.bulk_create(
        SimilarMovie(version=version, movie_id=owner, neighbour_id=other, score=score, rank=rank)
        for owner, merged in changed.items()
        for rank, (other, score) in enumerate(merged)
    )
