import numpy as np
import scipy.sparse as sp

from recommendations.engine.ease import ease_scores, ease_weights_from_gram, fit_ease, item_gram_matrix
from recommendations.engine.item_knn import fit_item_knn, item_knn_scores
from recommendations.engine.ranking import top_k_unseen

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
