"""Scoring one user: the picks, their reasons, the collaborative scores of some movies, and the command line."""

import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from movies.models import Movie
from recommendations.selectors.common import user_history
from recommendations.serving import UserHistory, collaborative_scores_of, personal_picks, served_model
from recommendations.tests.serving_helpers import build, bulk_reviews, bulk_users
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def random_catalogue(*, movies: int = 40, users: int = 25, seed: int = 3):
    rng = np.random.default_rng(seed)
    catalogue = MovieFactory.create_batch(movies, genres=["Drama"])
    people = bulk_users(users)
    # A wide spread of history lengths: 1 review (content-led blend) up to 30 (collaborative only).
    bulk_reviews(
        [
            (person, catalogue[index], int(rng.integers(1, 6)))
            for person in people
            for index in rng.choice(movies, int(rng.integers(1, 31)), replace=False)
        ]
    )
    return catalogue, people


@pytest.fixture(params=["ease", "item-knn"])
def scored(request, settings):
    if request.param == "item-knn":
        settings.RECOMMENDER_EASE_MAX_ITEMS = 5  # forces the item-kNN model
    catalogue, people = random_catalogue()
    build()
    return served_model(), catalogue, people


def test_recommend_all_users_gives_each_user_their_personal_picks(scored):
    model, _, people = scored
    out = io.StringIO()
    call_command("recommend", "--all-users", "--limit", "8", "--format", "jsonl", stdout=out)
    by_user = {entry["user"]: entry["items"] for entry in map(json.loads, out.getvalue().splitlines())}
    titles = dict(Movie.objects.values_list("pk", "title"))

    for person in people:
        history = user_history(person.pk)
        picks = personal_picks(model, history, limit=8)
        items = by_user[person.username][: len(picks)]
        assert [item["movie_id"] for item in items] == [pick.movie_id for pick in picks]
        assert [item["score"] for item in items] == [pick.score for pick in picks]
        assert [item["reason"] for item in items] == [pick.reason(titles) for pick in picks]
        assert not {pick.movie_id for pick in picks} & set(history.movie_ids.tolist())


def test_reasons_name_reviewed_movies_that_pull_the_pick_up(scored):
    model, _, people = scored
    for person in people:
        history = user_history(person.pk)
        for pick in personal_picks(model, history, limit=5):
            assert set(pick.because) <= set(history.movie_ids.tolist())
            assert len(pick.because) <= 2


def full_collaborative_row(model, history: UserHistory) -> np.ndarray:
    """x_u B written out densely: the user's 0/1 row over the collaborative movies times the whole weight matrix."""
    weights = model.ease_weights if model.ease_weights is not None else model.knn_weights.toarray()
    reviewed = np.zeros(len(model.collaborative_positions))
    reviewed[np.isin(model.movie_ids[model.collaborative_positions], history.movie_ids)] = 1
    row = np.zeros(len(model.movie_ids))
    row[model.collaborative_positions] = reviewed @ weights
    return row


def test_collaborative_scores_of_some_movies_are_those_of_the_full_row(scored):
    model, catalogue, people = scored
    wanted = np.array([movie.pk for movie in catalogue[::3]] + [10**9], dtype=np.int64)  # the last is unknown
    for person in people[:10]:
        history = user_history(person.pk)
        full = full_collaborative_row(model, history)
        positions = np.searchsorted(model.movie_ids, wanted[:-1])

        scores = collaborative_scores_of(model, history, wanted)

        assert scores[-1] == 0
        assert np.allclose(scores[:-1], full[positions], rtol=1e-6)


def test_a_user_without_reviews_the_model_knows_gets_no_picks(scored):
    model, _, _ = scored
    assert personal_picks(model, UserHistory.from_rows([]), limit=5) == []
    assert personal_picks(model, UserHistory.from_rows([(10**9, 5)]), limit=5) == []


@pytest.mark.django_db
def test_the_history_statement_returns_what_the_orm_returns():
    person, other = UserFactory(), UserFactory()
    for movie in MovieFactory.create_batch(4):
        ReviewFactory(user=person, movie=movie, rating=movie.pk % 5 + 1)
    ReviewFactory(user=other)
    expected = list(Review.objects.filter(user=person).order_by("movie_id").values_list("movie_id", "rating"))

    history = user_history(person.pk)

    assert list(zip(history.movie_ids.tolist(), history.ratings.tolist(), strict=True)) == expected
    assert len(user_history(UserFactory().pk)) == 0
