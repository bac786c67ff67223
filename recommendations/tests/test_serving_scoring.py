"""The request path scores one user with plain numpy; it must agree with the batch (matrix) path exactly."""

import numpy as np
import pytest

from recommendations.selectors.common import user_history
from recommendations.serving import (
    UserHistory,
    _batch,
    collaborative_scores,
    collaborative_scores_of,
    personal_picks,
    personal_picks_batch,
    served_model,
)
from recommendations.tests.serving_helpers import build, bulk_reviews, bulk_users
from tests.factories import MovieFactory

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


def test_one_user_picks_are_exactly_the_batch_picks(scored):
    model, _, people = scored
    histories = [user_history(person.pk) for person in people]

    batch = personal_picks_batch(model, histories, limit=8)

    for history, expected in zip(histories, batch, strict=True):
        single = personal_picks(model, history, limit=8)
        assert [pick.movie_id for pick in single] == [pick.movie_id for pick in expected]
        assert [pick.because for pick in single] == [pick.because for pick in expected]
        assert [pick.liked for pick in single] == [pick.liked for pick in expected]
        assert np.allclose([pick.score for pick in single], [pick.score for pick in expected], rtol=1e-9)
        assert not {pick.movie_id for pick in single} & set(history.movie_ids.tolist())


def test_reasons_name_reviewed_movies_that_pull_the_pick_up(scored):
    model, _, people = scored
    for person in people:
        history = user_history(person.pk)
        for pick in personal_picks(model, history, limit=5):
            assert set(pick.because) <= set(history.movie_ids.tolist())
            assert len(pick.because) <= 2


def test_collaborative_scores_of_some_movies_are_those_of_the_full_row(scored):
    model, catalogue, people = scored
    wanted = np.array([movie.pk for movie in catalogue[::3]] + [10**9], dtype=np.int64)  # the last is unknown
    for person in people[:10]:
        history = user_history(person.pk)
        # The batch path's x_u B (a sparse-by-dense product over the whole index), read at the wanted movies.
        full = collaborative_scores(model, _batch(model, [history]).seen)[0]
        positions = np.searchsorted(model.movie_ids, wanted[:-1])

        scores = collaborative_scores_of(model, history, wanted)

        assert scores[-1] == 0
        assert np.allclose(scores[:-1], full[positions], rtol=1e-6)


def test_a_user_without_reviews_the_model_knows_gets_no_picks(scored):
    model, _, _ = scored
    assert personal_picks(model, UserHistory.from_rows([]), limit=5) == []
    assert personal_picks(model, UserHistory.from_rows([(10**9, 5)]), limit=5) == []
