"""Ranking metrics at k, defined exactly as Microsoft Recommenders defines them.

Source: ``recommenders/evaluation/python_evaluation.py`` in https://github.com/recommenders-team/recommenders
(``precision_at_k``, ``recall_at_k``, ``ndcg_at_k`` with its default ``score_type="binary"``, and ``map_at_k``).
Their published MovieLens 100k benchmark (random per-user 75/25 split, k=10) is what our numbers compare
against, so the definitions must match:

- an item is relevant when the user has it in test (any rating value); relevance is binary;
- precision@k = hits in the top k / k, even when fewer than k items were recommended;
- recall@k = hits in the top k / number of relevant items;
- NDCG@k = sum over hits of 1/log(1 + rank), over the same sum for a perfect list of min(k, |relevant|) hits;
- MAP@k = sum over hits of (hits so far / rank), over min(k, |relevant|);
- each is averaged over the users who have at least one relevant item.

``recommended`` is an (n_users, k) array of item indices, best first, padded with ``NO_ITEM``; row u of the
binary ``relevant`` matrix holds user u's test items.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommendations.engine.ranking import NO_ITEM


@dataclass(frozen=True)
class RankingMetrics:
    precision: float
    recall: float
    ndcg: float
    map: float
    coverage: float


def ranking_metrics(recommended: np.ndarray, relevant: sp.csr_array, *, n_items: int) -> RankingMetrics:
    return RankingMetrics(
        precision=precision_at_k(recommended, relevant),
        recall=recall_at_k(recommended, relevant),
        ndcg=ndcg_at_k(recommended, relevant),
        map=map_at_k(recommended, relevant),
        coverage=catalogue_coverage(recommended, n_items=n_items),
    )


def precision_at_k(recommended: np.ndarray, relevant: sp.csr_array) -> float:
    hits, _ = _evaluated_hits(recommended, relevant)
    return _mean(hits.sum(axis=1) / recommended.shape[1])


def recall_at_k(recommended: np.ndarray, relevant: sp.csr_array) -> float:
    hits, relevant_counts = _evaluated_hits(recommended, relevant)
    return _mean(hits.sum(axis=1) / relevant_counts)


def ndcg_at_k(recommended: np.ndarray, relevant: sp.csr_array) -> float:
    hits, relevant_counts = _evaluated_hits(recommended, relevant)
    discounts = 1.0 / np.log2(np.arange(recommended.shape[1]) + 2.0)
    ideal_dcg = np.cumsum(discounts)[np.minimum(relevant_counts, recommended.shape[1]) - 1]
    return _mean((hits * discounts).sum(axis=1) / ideal_dcg)


def map_at_k(recommended: np.ndarray, relevant: sp.csr_array) -> float:
    hits, relevant_counts = _evaluated_hits(recommended, relevant)
    precision_at_each_rank = np.cumsum(hits, axis=1) / np.arange(1, recommended.shape[1] + 1)
    average_precision = (precision_at_each_rank * hits).sum(axis=1) / np.minimum(relevant_counts, recommended.shape[1])
    return _mean(average_precision)


def catalogue_coverage(recommended: np.ndarray, *, n_items: int) -> float:
    """Fraction of the catalogue that appears in at least one user's top k."""
    return len(np.unique(recommended[recommended != NO_ITEM])) / n_items if n_items else 0.0


def hit_matrix(recommended: np.ndarray, relevant: sp.csr_array) -> np.ndarray:
    """Boolean (n_users, k): whether each recommended item is in that user's relevant set."""
    relevant_pairs = sp.coo_array(relevant)
    n_columns = relevant.shape[1]
    relevant_keys = relevant_pairs.row.astype(np.int64) * n_columns + relevant_pairs.col
    recommended_keys = np.arange(recommended.shape[0], dtype=np.int64)[:, None] * n_columns + recommended
    return np.isin(recommended_keys, relevant_keys) & (recommended != NO_ITEM)


def _evaluated_hits(recommended: np.ndarray, relevant: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Hits and relevant counts for the users who have relevant items; the others are not evaluated."""
    if recommended.shape[0] != relevant.shape[0]:
        raise ValueError(f"{recommended.shape[0]} recommendation rows for {relevant.shape[0]} users")
    relevant_counts = np.diff(sp.csr_array(relevant).indptr)
    evaluated = relevant_counts > 0
    return hit_matrix(recommended[evaluated], relevant[evaluated]).astype(np.float64), relevant_counts[evaluated]


def _mean(per_user: np.ndarray) -> float:
    return float(per_user.mean()) if len(per_user) else 0.0
