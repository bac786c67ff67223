"""recommend, evaluate_recommender and build_recommendations from the command line (and on a synthetic catalogue)."""

import datetime
import io
import json

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import authenticated_client
from movies.models import Movie
from recommendations.models import ModelVersion, RecommenderState, SimilarMovie
from recommendations.tests.serving_helpers import build, make_world
from reviews.models import Review
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

ITEM_KEYS = {"movie_id", "movielens_id", "tmdb_id", "title", "score", "reason"}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_recommend_one_user_as_json_matches_the_api():
    world = make_world()
    build()
    fan = world.space_fans[0]

    entry = json.loads(run("recommend", "--user", fan.username.upper(), "--limit", "4"))

    assert entry["user"] == fan.username
    api = authenticated_client(fan).get("/api/recommendations/for-you/", {"limit": 4}).json()
    assert [item["movie_id"] for item in entry["items"]] == [row["id"] for row in api]
    assert [item["reason"] for item in entry["items"]] == [row["reason"] for row in api]
    assert all(set(item) == ITEM_KEYS for item in entry["items"])


def test_recommend_all_users_streams_one_line_per_user_read_in_batches(monkeypatch):
    from recommendations.management.commands import recommend

    monkeypatch.setattr(recommend, "BATCH_SIZE", 5)  # several batches
    world = make_world()
    newcomer = UserFactory()
    build()

    lines = run("recommend", "--all-users", "--limit", "3", "--format", "jsonl").splitlines()

    entries = [json.loads(line) for line in lines]
    everyone = get_user_model().objects.order_by("pk").values_list("username", flat=True)
    assert [entry["user"] for entry in entries] == list(everyone)
    assert all(len(entry["items"]) == 3 for entry in entries)
    by_user = {entry["user"]: entry for entry in entries}
    for fan in world.space_fans:
        single = json.loads(run("recommend", "--user", fan.username, "--limit", "3"))
        assert by_user[fan.username] == single
        reviewed = set(fan.reviews.values_list("movie_id", flat=True))
        assert not {item["movie_id"] for item in single["items"]} & reviewed
    assert {item["reason"] for item in by_user[newcomer.username]["items"]} == {"popular with everyone"}


def test_recommend_all_users_as_json_is_one_array():
    make_world(fans=2)
    build()
    entries = json.loads(run("recommend", "--all-users", "--limit", "2"))
    assert len(entries) == 4 and all(len(entry["items"]) == 2 for entry in entries)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody"], "No active user"),
        (["--all-users", "--limit", "0"], "--limit"),
        (["--all-users", "--limit", "51"], "--limit"),
    ],
)
def test_recommend_rejects_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run("recommend", *args)


def test_build_command_reports_the_new_version():
    make_world()
    output = run("build_recommendations")
    version = ModelVersion.objects.get()
    assert f"Model {version.pk} built and now served" in output
    assert "collaborative model ease" in output


def test_build_if_stale_builds_only_when_the_served_model_is_out_of_date(settings):
    world = make_world()
    assert "Building the recommender: no model is served yet." in run("build_recommendations", "--if-stale")
    assert "up to date: nothing to build" in run("build_recommendations", "--if-stale")
    assert ModelVersion.objects.count() == 1

    Review.objects.create(user=world.space_fans[0], movie=world.romance[-1], rating=3)
    assert "members' activity changed" in run("build_recommendations", "--if-stale")

    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ModelVersion.objects.update(created_at=an_hour_ago)  # built an hour ago...
    Movie.objects.filter(pk=world.space[0].pk).update(updated_at=an_hour_ago + datetime.timedelta(minutes=1))
    assert "movies or reviews were edited" in run("build_recommendations", "--if-stale")  # ...and edited since

    MovieFactory()
    assert "the catalogue changed" in run("build_recommendations", "--if-stale")

    version = ModelVersion.objects.get(pk=RecommenderState.objects.get().active_version_id)
    (settings.RECOMMENDER_MODEL_DIR / version.artefact).unlink()
    assert "file is missing" in run("build_recommendations", "--if-stale")
    assert "nothing to build" in run("build_recommendations", "--if-stale")


def test_build_command_without_activation_keeps_the_current_version():
    make_world()
    first = build()
    run("build_recommendations", "--no-activate", "-v", "2")
    assert ModelVersion.objects.count() == 2
    assert RecommenderState.objects.get().active_version_id == first.pk


def test_evaluate_recommender_reads_the_dataset_files_and_prints_every_model(tmp_path):
    rng = np.random.default_rng(3)
    lines = ["user_id:token\titem_id:token\trating:float\ttimestamp:float"]
    for user in range(1, 61):
        half = 0 if user % 2 else 20
        for item in rng.choice(20, 12, replace=False) + 1 + half:
            lines.append(f"{user}\t{item}\t{int(rng.integers(1, 6))}\t{int(rng.integers(1, 10**6))}")
    (tmp_path / "toy.inter").write_text("\n".join(lines) + "\n")
    reviews_before = Review.objects.count()

    output = run("evaluate_recommender", "--dataset", str(tmp_path), "--protocol", "temporal", "--k", "5")

    for name in ["popularity", "item kNN", "user kNN (plan sketch)", "EASE (l2="]:
        assert name in output
    assert "precision@5" in output and "NDCG@5" in output and "coverage" in output and "fit s" in output
    assert "60 users evaluated over 40 items" in output
    assert Review.objects.count() == reviews_before  # the database is not involved


def test_evaluate_recommender_rejects_a_missing_dataset(tmp_path):
    with pytest.raises(CommandError, match="no ratings file"):
        run("evaluate_recommender", "--dataset", str(tmp_path))


def test_a_synthetic_catalogue_gets_similar_movies():
    run("generate_synthetic_catalogue", "--movies", "300", "--reviews", "3000", "--users", "150")

    build()

    assert SimilarMovie.objects.filter(movie=Movie.objects.filter(review_count__gt=0).first()).exists()
