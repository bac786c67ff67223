import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.engine.ease import ease_scores, fit_ease
from recommendations.engine.item_knn import fit_item_knn, item_knn_scores
from recommendations.engine.ranking import top_k_unseen
from recommendations.evaluation.baselines import fit_popularity, naive_user_knn_scores, popularity_scores


def test_popularity_counts_users_per_item():
    popularity = fit_popularity(sp.csr_array(np.array([[5.0, 0, 3.0], [1.0, 0, 0]])))
    assert popularity.tolist() == [2.0, 0.0, 1.0]
    assert popularity_scores(popularity, 2).tolist() == [[2.0, 0.0, 1.0], [2.0, 0.0, 1.0]]


RATINGS = sp.csr_array(
    np.array(
        [
            [5.0, 3.0, 0, 0, 0],
            [5.0, 3.0, 1.0, 0, 0],
            [4.0, 0, 0, 5.0, 0],
            [0, 0, 0, 0, 2.0],
        ]
    )
)


def test_naive_user_knn_averages_the_neighbours_ratings_of_each_item():
    scores = naive_user_knn_scores(RATINGS, np.array([0]), n_neighbours=2)[0]
    # Neighbours of user 0 are users 1 and 2; user 3 shares nothing.
    assert scores[:4].tolist() == [4.5, 3.0, 1.0, 5.0]
    assert np.isnan(scores[4])


def test_naive_user_knn_never_counts_the_user_as_their_own_neighbour():
    scores = naive_user_knn_scores(RATINGS, np.array([1]), n_neighbours=1)[0]
    assert scores[:2].tolist() == [5.0, 3.0]
    assert np.isnan(scores[2:]).all()


def test_naive_user_knn_ranks_an_item_one_neighbour_loved_first():
    scores = naive_user_knn_scores(RATINGS, np.array([0]), n_neighbours=2)
    assert top_k_unseen(scores, RATINGS[[0]], 3).tolist() == [[3, 2, -1]]


@pytest.mark.parametrize("model", ["popularity", "item_knn", "user_knn", "ease"])
def test_no_model_recommends_an_item_the_user_has_seen(model):
    rng = np.random.default_rng(11)
    ratings = sp.csr_array(np.where(rng.random((40, 30)) < 0.3, rng.integers(1, 6, (40, 30)), 0).astype(float))
    binary = sp.csr_array((ratings != 0).astype(float))
    users = np.arange(40)
    scores = {
        "popularity": lambda: popularity_scores(fit_popularity(binary), len(users)),
        "item_knn": lambda: item_knn_scores(fit_item_knn(binary, n_neighbours=10), binary),
        "user_knn": lambda: naive_user_knn_scores(ratings, users),
        "ease": lambda: ease_scores(fit_ease(binary, l2=10.0), binary),
    }[model]()
    recommended = top_k_unseen(scores, binary, 10)
    for user in users:
        seen = set(binary[[user]].indices.tolist())
        assert seen, "every user needs history for this test to mean anything"
        assert not seen & set(recommended[user].tolist())
    assert (recommended[:, 0] >= 0).all()
