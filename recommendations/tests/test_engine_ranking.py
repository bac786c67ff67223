import numpy as np
import scipy.sparse as sp

from recommendations.engine.ranking import NO_ITEM, recommend_top_k, top_k_per_row, top_k_unseen


def seen_matrix(rows: list[list[int]], n_items: int) -> sp.csr_array:
    dense = np.zeros((len(rows), n_items))
    for user, items in enumerate(rows):
        dense[user, items] = 1
    return sp.csr_array(dense)


def test_top_k_per_row_returns_best_first_with_values():
    indices, values = top_k_per_row(np.array([[0.1, 0.9, 0.5, 0.7], [3.0, 1.0, 2.0, 0.0]]), 3)
    assert indices.tolist() == [[1, 3, 2], [0, 2, 1]]
    assert values.tolist() == [[0.9, 0.7, 0.5], [3.0, 2.0, 1.0]]


def test_top_k_per_row_breaks_ties_towards_the_lower_index():
    scores = np.array([[1.0, 2.0, 2.0, 2.0, 2.0, 0.0, 2.0]])
    indices, _ = top_k_per_row(scores, 3)
    assert indices.tolist() == [[1, 2, 3]]
    indices, _ = top_k_per_row(np.zeros((2, 50)), 4)
    assert indices.tolist() == [[0, 1, 2, 3], [0, 1, 2, 3]]


def test_top_k_per_row_caps_k_at_the_number_of_columns():
    indices, _ = top_k_per_row(np.array([[1.0, 2.0]]), 5)
    assert indices.tolist() == [[1, 0]]
    assert top_k_per_row(np.ones((2, 0)), 3)[0].shape == (2, 0)


def test_top_k_unseen_never_returns_seen_items():
    scores = np.array([[9.0, 8.0, 7.0, 6.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    recommended = top_k_unseen(scores, seen_matrix([[0, 2], [4]], 5), 2)
    assert recommended.tolist() == [[1, 3], [3, 2]]


def test_top_k_unseen_pads_when_too_few_items_can_be_recommended():
    scores = np.array([[1.0, np.nan, 3.0, -np.inf]])
    recommended = top_k_unseen(scores, seen_matrix([[2]], 4), 3)
    assert recommended.tolist() == [[0, NO_ITEM, NO_ITEM]]


def test_top_k_unseen_pads_a_catalogue_smaller_than_k():
    recommended = top_k_unseen(np.array([[1.0, 2.0]]), seen_matrix([[]], 2), 4)
    assert recommended.tolist() == [[1, 0, NO_ITEM, NO_ITEM]]


def test_top_k_unseen_does_not_modify_the_callers_scores():
    scores = np.array([[1.0, 2.0]])
    top_k_unseen(scores, seen_matrix([[1]], 2), 1)
    assert scores.tolist() == [[1.0, 2.0]]


def test_recommend_top_k_in_batches_matches_one_batch():
    rng = np.random.default_rng(3)
    all_scores = rng.random((7, 12))
    seen = sp.csr_array(rng.random((7, 12)) < 0.3)
    users = np.array([6, 0, 3, 2, 5])

    def score_users(batch: np.ndarray) -> np.ndarray:
        return all_scores[batch]

    batched = recommend_top_k(score_users, seen, users, k=4, batch_size=2)
    assert batched.tolist() == top_k_unseen(all_scores[users], seen[users], 4).tolist()
    assert recommend_top_k(score_users, seen, np.array([], dtype=np.int64), k=4).shape == (0, 4)
