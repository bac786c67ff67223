"""The offline build: stored neighbours, the collaborative model, the lock, the version switch, new movies."""

from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import scipy.sparse as sp
from celery.exceptions import Retry
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import authenticated_client
from core.caching import bump_generation
from recommendations import builders, services
from recommendations.engine.ease import fit_ease
from recommendations.engine.ranking import NO_ITEM, recommend_top_k
from recommendations.models import ModelVersion, RecommenderState, SimilarMovie
from recommendations.serving import served_model
from recommendations.tasks import BUILD_LOCK_WAITS, build_recommendations, lock_wait_seconds
from recommendations.tests.serving_helpers import (
    LETTERS,
    build,
    bulk_reviews,
    bulk_users,
    ids,
    make_world,
    romance_movie,
    space_movie,
)
from reviews.models import Review
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

FOR_YOU = "/api/recommendations/for-you/"


def neighbour_ids(version, movie) -> list[int]:
    rows = SimilarMovie.objects.filter(version=version, movie=movie).order_by("rank")
    return list(rows.values_list("neighbour_id", flat=True))


def test_content_neighbours_are_the_same_kind_of_movie_best_first_and_never_the_movie_itself(settings):
    settings.RECOMMENDER_NEIGHBOURS = 3
    space = [space_movie(f"Orbit {letter}") for letter in LETTERS[1:4]]
    space.insert(0, space_movie("Orbit Alpha", keywords=["space", "astronaut", "space station", "alpha squadron"]))
    sequel = space_movie(
        "Orbit Alpha: Return", keywords=["space", "astronaut", "space station", "alpha squadron", "sequel"]
    )
    romance = [romance_movie(f"Letters {letter}") for letter in LETTERS[:4]]

    version = build()

    for movie in [*space, sequel]:
        found = neighbour_ids(version, movie)
        assert len(found) == 3
        assert movie.pk not in found
        assert set(found) <= {other.pk for other in [*space, sequel]}
    for movie in romance:
        assert set(neighbour_ids(version, movie)) <= {other.pk for other in romance}
    # "Orbit Alpha" also shares a title word and a keyword with its sequel, so that is its closest neighbour.
    assert neighbour_ids(version, space[0])[0] == sequel.pk
    scores = list(SimilarMovie.objects.filter(version=version, movie=space[0]).order_by("rank").values_list("score"))
    assert scores == sorted(scores, reverse=True)


def test_a_movies_document_takes_only_the_names_in_its_list_fields():
    assert builders.names_in(["Christopher Nolan", 3, None, "Emma Thomas"]) == ["Christopher Nolan", "Emma Thomas"]
    assert builders.names_in("Christopher Nolan") == []
    assert builders.names_in(None) == []


def test_served_ease_ranks_exactly_like_the_engine_for_users_with_full_histories(settings):
    """Users with 20+ reviews get the collaborative model's ranking alone: it must be the engine's top k."""
    settings.RECOMMENDER_EASE_L2 = 50.0
    rng = np.random.default_rng(7)
    movies = MovieFactory.create_batch(40)
    users = bulk_users(30)
    bulk_reviews(
        [
            (user, movies[index], int(rng.integers(1, 6)))
            for user in users
            for index in rng.choice(40, int(rng.integers(20, 26)), replace=False)
        ]
    )
    build()

    pairs = np.array(list(Review.objects.values_list("user_id", "movie_id")))
    user_ids, movie_ids = np.unique(pairs[:, 0]), np.unique(pairs[:, 1])
    matrix = sp.csr_array(
        (
            np.ones(len(pairs)),
            (np.searchsorted(user_ids, pairs[:, 0]), np.searchsorted(movie_ids, pairs[:, 1])),
        ),
        shape=(len(user_ids), len(movie_ids)),
    )
    weights = fit_ease(matrix, l2=50.0)
    expected = recommend_top_k(lambda rows: matrix[rows] @ weights, matrix, np.arange(len(user_ids)), k=10)

    for row, user_id in enumerate(user_ids):
        user = next(user for user in users if user.pk == user_id)
        assert ids(authenticated_client(user).get(FOR_YOU)) == movie_ids[expected[row]].tolist()


def test_above_the_ease_limit_the_build_switches_to_item_knn_scored_the_same_way(settings):
    settings.RECOMMENDER_EASE_MAX_ITEMS = 5
    world = make_world()

    version = build()

    assert version.collaborative == ModelVersion.Collaborative.ITEM_KNN
    model = served_model()
    assert model.ease_weights is None and model.knn_weights.nnz > 0
    fan = world.space_fans[0]
    unseen_space = {movie.pk for movie in world.space} - set(fan.reviews.values_list("movie_id", flat=True))
    recommended = ids(authenticated_client(fan).get(FOR_YOU, {"limit": len(unseen_space)}))
    assert set(recommended) == unseen_space


def test_ease_model_is_dense_items_by_items_over_the_reviewed_movies_only():
    world = make_world()
    unreviewed = MovieFactory()

    version = build()

    model = served_model()
    n_reviewed = Review.objects.values("movie_id").distinct().count()
    assert version.collaborative == ModelVersion.Collaborative.EASE
    assert model.ease_weights.shape == (n_reviewed, n_reviewed)
    assert unreviewed.pk in model.movie_ids and len(model.movie_ids) == len(world.space) + len(world.romance) + 1
    assert np.allclose(np.diag(model.ease_weights), 0)


def test_build_of_an_empty_catalogue_serves_popularity_without_failing(user):
    version = build()

    assert version.movie_count == 0 and version.collaborative == ModelVersion.Collaborative.NONE
    assert authenticated_client(user).get(FOR_YOU).json() == []


# --- Lock ---------------------------------------------------------------------------------------------------------


def test_second_build_is_refused_while_the_first_holds_the_lock():
    make_world()
    with services.build_lock():
        with pytest.raises(services.BuildInProgress):
            services.recommendations_build()
        with pytest.raises(CommandError, match="another recommendations build is running"):
            call_command("build_recommendations", verbosity=0)
    assert not ModelVersion.objects.exists()

    services.recommendations_build()  # released: the next one runs
    assert ModelVersion.objects.count() == 1


def test_lock_of_a_build_that_died_expires_and_is_taken_over():
    dead = ExitStack()
    dead.enter_context(services.build_lock())  # a build that never gets to release it
    with pytest.raises(services.BuildInProgress) as refused:
        services.recommendations_build()
    assert refused.value.expires_at == RecommenderState.objects.get().build_lock_expires_at > timezone.now()

    RecommenderState.objects.update(build_lock_expires_at=timezone.now() - timedelta(seconds=1))
    with services.build_lock() as token:
        dead.close()  # a late release by the old holder leaves the new lease alone
        assert RecommenderState.objects.get().build_lock_token == token
        with pytest.raises(services.BuildInProgress):
            services.recommendations_build()
    assert RecommenderState.objects.get().build_lock_token == ""


def test_failed_build_releases_the_lock_and_keeps_serving_the_old_version(monkeypatch):
    make_world()
    first = build()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(builders, "build_model_arrays", broken)
    with pytest.raises(RuntimeError):
        services.recommendations_build()

    assert RecommenderState.objects.get().active_version_id == first.pk
    assert RecommenderState.objects.get().build_lock_token == ""
    assert served_model().version_id == first.pk


def test_a_handed_back_build_waits_for_the_lease_it_finds_instead_of_skipping():
    with services.build_lock():
        expires_at = RecommenderState.objects.get().build_lock_expires_at
        with mock.patch.object(build_recommendations, "retry", side_effect=Retry()) as retry, pytest.raises(Retry):
            build_recommendations.apply(retries=1)  # has waited once (the worker test hands a message back)
    (countdown,) = [call.kwargs["countdown"] for call in retry.call_args_list]
    assert countdown == pytest.approx((expires_at - timezone.now()).total_seconds() + 1, abs=5)
    assert not ModelVersion.objects.exists()


def test_a_handed_back_build_gives_up_quietly_after_its_waits(caplog):
    with services.build_lock(), mock.patch.object(build_recommendations, "retry") as retry:
        build_recommendations.apply(retries=BUILD_LOCK_WAITS)
    assert not retry.called
    assert "given up" in caplog.text
    assert not ModelVersion.objects.exists()


def test_the_wait_for_a_lock_lasts_until_its_lease_expires():
    assert lock_wait_seconds(None) == 1
    assert lock_wait_seconds(timezone.now() - timedelta(minutes=5)) == 1
    assert lock_wait_seconds(timezone.now() + timedelta(seconds=30)) == pytest.approx(31, abs=1)


def test_nightly_task_builds_and_skips_quietly_while_locked(caplog):
    make_world()
    with services.build_lock():
        build_recommendations.delay()
    assert not ModelVersion.objects.exists()
    assert "skipped" in caplog.text

    build_recommendations.delay()
    assert RecommenderState.objects.get().active_version_id == ModelVersion.objects.get().pk
    assert django_settings.CELERY_BEAT_SCHEDULE["build-recommendations"]["task"] == build_recommendations.name


# --- Version switch -----------------------------------------------------------------------------------------------


def test_old_version_is_served_until_the_switch_then_the_new_one(settings):
    world = make_world()
    first = build()
    fan = world.space_fans[0]
    before = ids(authenticated_client(fan).get(FOR_YOU))

    # Everybody now also loves one romance: the next model links it to the space films.
    favourite = world.romance[0]
    bulk_reviews(
        [(other, favourite, 5) for other in world.space_fans if not other.reviews.filter(movie=favourite).exists()]
    )
    fan.reviews.filter(movie=favourite).delete()
    second = services.recommendations_build(activate=False).version

    assert served_model().version_id == first.pk
    assert RecommenderState.objects.get().active_version_id == first.pk
    assert Path(settings.RECOMMENDER_MODEL_DIR, second.artefact).is_file()

    services.version_activate(second)

    assert served_model().version_id == second.pk
    after = ids(authenticated_client(fan).get(FOR_YOU))
    assert position(after, favourite) < position(before, favourite)


def position(movie_ids: list[int], movie) -> int:
    return movie_ids.index(movie.pk) if movie.pk in movie_ids else len(movie_ids)


def test_switch_keeps_the_replaced_version_and_prunes_older_ones(settings):
    make_world()
    first, second, third = build(), build(), build()

    assert set(ModelVersion.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert not SimilarMovie.objects.filter(version=first).exists()
    files = {path.name for path in Path(settings.RECOMMENDER_MODEL_DIR).glob("model-*.npz")}
    assert files == {second.artefact, third.artefact}


def test_unreadable_artefact_keeps_the_model_already_served(settings):
    make_world()
    first = build()
    second = services.recommendations_build(activate=False).version
    Path(settings.RECOMMENDER_MODEL_DIR, second.artefact).write_bytes(b"not a model")

    services.version_activate(second)

    assert served_model().version_id == first.pk


# --- New movies ---------------------------------------------------------------------------------------------------


def test_new_movie_gets_neighbours_without_a_rebuild_and_joins_theirs(django_capture_on_commit_callbacks, settings):
    settings.RECOMMENDER_NEIGHBOURS = 4
    world = make_world()
    version = build()

    with django_capture_on_commit_callbacks(execute=True):
        sequel = space_movie("Orbit Beta: Beyond", keywords=["space", "astronaut", "sequel"])

    found = neighbour_ids(version, sequel)
    assert len(found) == 4 and sequel.pk not in found
    assert set(found) <= {movie.pk for movie in world.space}
    assert neighbour_ids(version, world.space[1])[0] == sequel.pk  # it shares "Orbit Beta"
    assert all(len(neighbour_ids(version, movie)) == 4 for movie in world.space)
    assert ModelVersion.objects.count() == 1


def test_new_movie_before_any_build_is_left_for_the_first_build(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        movie = space_movie("Orbit Omega")
    assert not SimilarMovie.objects.exists()
    assert services.movie_neighbours_refresh(movie.pk) == 0


def test_edited_movie_leaves_the_lists_it_no_longer_fits(django_capture_on_commit_callbacks, settings):
    world = make_world()
    version = build()
    moved = world.space[0]
    assert any(moved.pk in neighbour_ids(version, movie) for movie in world.space[1:])

    with django_capture_on_commit_callbacks(execute=True):
        moved.title, moved.description = "Letters forever", world.romance[0].description
        moved.keywords, moved.cast, moved.directors = ["love letter", "wedding"], ["Rose Heart"], ["Jane Austen Jr"]
        moved.save()
        moved.genres.set([world.romance[0].genres.get()])

    assert not any(moved.pk in neighbour_ids(version, movie) for movie in world.space[1:])
    assert set(neighbour_ids(version, moved)) & {movie.pk for movie in world.romance}


def test_poster_only_save_does_not_recompute_neighbours(django_capture_on_commit_callbacks):
    world = make_world()
    build()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.space[0].save(update_fields=["poster_url"])
        world.space[1].save()
    # Both saves start a new cache generation; only the second places its movie among the neighbours again.
    assert len([callback for callback in callbacks if callback is not bump_generation]) == 1


def test_neighbour_rows_skip_movies_deleted_during_the_build():
    movies = [space_movie(f"Orbit {letter}") for letter in LETTERS[:3]]
    indices = np.array([[1, 2], [0, NO_ITEM], [0, 1]])
    scores = np.array([[0.9, 0.5], [0.9, 0.0], [0.5, 0.4]])
    version = ModelVersion.objects.create(artefact="x.npz", collaborative="none")
    movie_ids = np.array([movie.pk for movie in movies])
    movies[2].delete()

    written = services.similar_rows_write(version.pk, movie_ids, indices, scores)

    assert written == 2
    assert neighbour_ids(version, movies[0]) == [movies[1].pk]
    assert neighbour_ids(version, movies[1]) == [movies[0].pk]
