import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.engine.ease import ease_scores, ease_weights_from_gram, fit_ease, item_gram_matrix
from recommendations.engine.item_knn import fit_item_knn, item_knn_scores
from recommendations.engine.popularity import fit_popularity, popularity_scores
from recommendations.engine.ranking import top_k_unseen
from recommendations.engine.user_knn import naive_user_knn_scores

DARK_KNIGHT, DARK_KNIGHT_RISES, NOTEBOOK, TITANIC, TOY_STORY = range(5)


def interactions(rows: list[list[int]], n_items: int = 5) -> sp.csr_array:
    dense = np.zeros((len(rows), n_items))
    for user, items in enumerate(rows):
        dense[user, items] = 1
    return sp.csr_array(dense)


# Two taste clusters plus a broadly popular film; the last two users have one film each.
TRAIN = interactions(
    [
        [DARK_KNIGHT, DARK_KNIGHT_RISES],
        [DARK_KNIGHT, DARK_KNIGHT_RISES],
        [DARK_KNIGHT, DARK_KNIGHT_RISES, TOY_STORY],
        [NOTEBOOK, TITANIC],
        [NOTEBOOK, TITANIC],
        [NOTEBOOK, TITANIC, TOY_STORY],
        [TOY_STORY],
        [DARK_KNIGHT],
        [NOTEBOOK],
    ]
)
BATMAN_FAN, ROMANCE_FAN = 7, 8


def test_ease_recommends_the_item_co_consumed_with_the_users_items():
    weights = fit_ease(TRAIN, l2=1.0)
    fans = TRAIN[[BATMAN_FAN, ROMANCE_FAN]]
    recommended = top_k_unseen(ease_scores(weights, fans), fans, 1)
    assert recommended.tolist() == [[DARK_KNIGHT_RISES], [TITANIC]]


def test_ease_weights_have_a_zero_diagonal_and_match_the_closed_form():
    l2 = 2.0
    weights = fit_ease(TRAIN, l2=l2)
    gram = TRAIN.T @ TRAIN
    precision = np.linalg.inv(gram.toarray() + l2 * np.eye(5))
    expected = np.eye(5) - precision / np.diag(precision)
    np.testing.assert_allclose(weights, expected, atol=1e-12)
    assert np.all(np.diag(weights) == 0)


def test_ease_from_a_shared_gram_equals_a_direct_fit_and_leaves_the_gram_intact():
    gram = item_gram_matrix(TRAIN)
    before = gram.copy()
    np.testing.assert_allclose(ease_weights_from_gram(gram, 3.0), fit_ease(TRAIN, l2=3.0))
    np.testing.assert_array_equal(gram, before)


def test_ease_scores_follow_a_new_review_without_refitting():
    weights = fit_ease(TRAIN, l2=1.0)
    batman_fan_now = TRAIN[[BATMAN_FAN]].toarray()
    batman_fan_now[0, NOTEBOOK] = 1  # a review written after the model was fitted

    np.testing.assert_allclose(ease_scores(weights, batman_fan_now), batman_fan_now @ weights)
    before = ease_scores(weights, TRAIN[[BATMAN_FAN]])[0]
    after = ease_scores(weights, batman_fan_now)[0]
    assert after[TITANIC] > before[TITANIC]
    assert top_k_unseen(after[None, :], sp.csr_array(batman_fan_now), 2)[0].tolist() == [
        DARK_KNIGHT_RISES,
        TITANIC,
    ]


def test_item_knn_keeps_each_items_most_cosine_similar_items():
    # Columns: item 0 and 1 are liked by the same users, item 2 shares one user with them, item 3 none.
    train = sp.csr_array(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float))
    similarity_matrix = fit_item_knn(train, n_neighbours=2, chunk_size=3)
    similarity = similarity_matrix.toarray()
    np.testing.assert_allclose(similarity[0], [0, 1, 1 / 2, 0])
    np.testing.assert_allclose(similarity[2], [1 / 2, 1 / 2, 0, 0])
    assert not similarity[3].any()
    assert not np.diag(similarity).any()

    top_one = fit_item_knn(train, n_neighbours=1).toarray()
    assert top_one[0].nonzero()[0].tolist() == [1]
    # User 0 has items 0 and 1: each item scores the sum of its similarities from those two.
    np.testing.assert_allclose(item_knn_scores(similarity_matrix, train[[0]]), [[1, 1, 1, 0]])


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
