import math

import numpy as np
import pytest
import scipy.sparse as sp

from recommendations.engine.ranking import NO_ITEM
from recommendations.evaluation.metrics import (
    catalogue_coverage,
    hit_matrix,
    map_at_k,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
)

N_ITEMS = 10


def relevance(*item_sets: set[int]) -> sp.csr_array:
    rows = [user for user, items in enumerate(item_sets) for _ in items]
    columns = [item for items in item_sets for item in sorted(items)]
    return sp.csr_array((np.ones(len(rows)), (rows, columns)), shape=(len(item_sets), N_ITEMS))


# User a: hits at ranks 1 and 3 of 3, four relevant items.
# User b: one hit at rank 2, one relevant item.
# User c: nothing relevant, so not evaluated at all.
# User d: a short (padded) list and no hit, still counted.
RECOMMENDED = np.array([[1, 5, 2], [4, 3, 9], [1, 4, 5], [6, NO_ITEM, NO_ITEM]])
RELEVANT = relevance({1, 2, 7, 8}, {3}, set(), {0})


def test_hit_matrix_marks_relevant_recommendations_and_ignores_padding():
    expected = [[True, False, True], [False, True, False], [False, False, False], [False, False, False]]
    assert hit_matrix(RECOMMENDED, RELEVANT).tolist() == expected


def test_precision_divides_hits_by_k_and_averages_over_users_with_test_items():
    assert precision_at_k(RECOMMENDED, RELEVANT) == pytest.approx((2 / 3 + 1 / 3 + 0) / 3)
    assert precision_at_k(RECOMMENDED, RELEVANT) == pytest.approx(0.333333, abs=1e-6)


def test_recall_divides_hits_by_number_of_relevant_items():
    assert recall_at_k(RECOMMENDED, RELEVANT) == pytest.approx((2 / 4 + 1 / 1 + 0) / 3)
    assert recall_at_k(RECOMMENDED, RELEVANT) == pytest.approx(0.5)


def test_ndcg_normalises_by_ideal_list_of_min_k_and_relevant_count():
    ndcg_a = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3) + 1 / math.log2(4))
    ndcg_b = (1 / math.log2(3)) / 1
    assert ndcg_a == pytest.approx(0.703918, abs=1e-6)
    assert ndcg_at_k(RECOMMENDED, RELEVANT) == pytest.approx((ndcg_a + ndcg_b + 0) / 3)
    assert ndcg_at_k(RECOMMENDED, RELEVANT) == pytest.approx(0.444949, abs=1e-6)


def test_map_averages_precision_at_each_hit_over_min_k_and_relevant_count():
    average_precision_a = (1 / 1 + 2 / 3) / 3
    average_precision_b = (1 / 2) / 1
    assert map_at_k(RECOMMENDED, RELEVANT) == pytest.approx((average_precision_a + average_precision_b + 0) / 3)
    assert map_at_k(RECOMMENDED, RELEVANT) == pytest.approx(0.351852, abs=1e-6)


def test_perfect_ranking_scores_one_everywhere():
    recommended = np.array([[3, 1], [2, 0]])
    relevant = relevance({1, 3}, {0, 2, 5})
    assert precision_at_k(recommended, relevant) == 1.0
    assert ndcg_at_k(recommended, relevant) == pytest.approx(1.0)
    assert map_at_k(recommended, relevant) == pytest.approx(1.0)
    assert recall_at_k(recommended, relevant) == pytest.approx((1 + 2 / 3) / 2)


def test_catalogue_coverage_counts_distinct_recommended_items_without_padding():
    assert catalogue_coverage(RECOMMENDED, n_items=N_ITEMS) == pytest.approx(7 / 10)


def test_ranking_metrics_bundles_every_metric():
    metrics = ranking_metrics(RECOMMENDED, RELEVANT, n_items=N_ITEMS)
    assert (metrics.precision, metrics.recall, metrics.coverage) == pytest.approx((1 / 3, 0.5, 0.7))
    assert metrics.ndcg == pytest.approx(ndcg_at_k(RECOMMENDED, RELEVANT))
    assert metrics.map == pytest.approx(map_at_k(RECOMMENDED, RELEVANT))


def test_no_user_with_test_items_scores_zero():
    assert precision_at_k(RECOMMENDED[:1], relevance(set())) == 0.0


def test_mismatched_rows_are_rejected():
    with pytest.raises(ValueError, match="recommendation rows"):
        precision_at_k(RECOMMENDED, relevance({1}))
