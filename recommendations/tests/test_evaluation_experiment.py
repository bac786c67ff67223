import numpy as np
import pytest

from recommendations.engine.interactions import Ratings
from recommendations.evaluation.experiment import (
    evaluate_models,
    evaluation_data,
    fit_content_scorer,
    model_fitters,
    splitter_for,
    tune_ease_l2,
)

N_USERS, N_ITEMS = 80, 40


def clustered_ratings(seed: int = 0) -> Ratings:
    """Users in two taste clusters, each rating 15 items mostly (90%) from their own half of the catalogue."""
    rng = np.random.default_rng(seed)
    user_ids, item_ids = [], []
    for user in range(N_USERS):
        own_half = np.arange(N_ITEMS // 2) + (user % 2) * (N_ITEMS // 2)
        other_half = np.setdiff1d(np.arange(N_ITEMS), own_half)
        items = np.concatenate([rng.choice(own_half, 13, replace=False), rng.choice(other_half, 2, replace=False)])
        user_ids += [user + 1000] * len(items)
        item_ids += (items + 500).tolist()
    n = len(user_ids)
    return Ratings(np.array(user_ids), np.array(item_ids), rng.integers(1, 6, n).astype(float), rng.permutation(n))


RATINGS = clustered_ratings()


def test_splitter_for_knows_both_protocols_and_rejects_others():
    random_train, random_test = splitter_for("random", seed=1)(RATINGS)
    temporal_train, temporal_test = splitter_for("temporal", seed=1)(RATINGS)
    assert len(random_test) == N_USERS * 4  # round(15 * 0.25)
    assert len(temporal_test) == N_USERS * 3  # round(15 * 0.2)
    assert len(random_train) + len(random_test) == len(temporal_train) + len(temporal_test) == len(RATINGS)
    with pytest.raises(ValueError, match="unknown protocol"):
        splitter_for("leave-one-out", seed=1)


def test_evaluation_data_shares_one_index_between_train_and_test():
    train, test = splitter_for("random", seed=42)(RATINGS)
    data = evaluation_data(train, test)
    assert data.training.binary.shape == data.test.shape == (N_USERS, N_ITEMS)
    assert data.training.binary.nnz + data.test.nnz == len(RATINGS)
    assert data.training.binary.multiply(data.test).nnz == 0
    assert len(data.evaluated_users) == N_USERS
    assert set(np.unique(data.training.ratings.data)) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_every_model_is_evaluated_and_ease_beats_popularity_on_clustered_tastes():
    train, test = splitter_for("random", seed=42)(RATINGS)
    documents = {item: f"genre_{'a' if item < 520 else 'b'} film {item}" for item in range(500, 540)}
    results = evaluate_models(
        evaluation_data(train, test, item_documents=documents), model_fitters(ease_l2=5.0, with_content=True), k=5
    )
    by_name = {result.name: result for result in results}
    hybrid = "hybrid as served (EASE l2=5 + content)"
    assert list(by_name) == [
        "popularity",
        "item kNN",
        "user kNN (plan sketch)",
        "EASE (l2=5)",
        "content TF-IDF kNN",
        hybrid,
    ]
    assert by_name["EASE (l2=5)"].metrics.precision > by_name["popularity"].metrics.precision + 0.1
    assert by_name["content TF-IDF kNN"].metrics.precision > by_name["popularity"].metrics.precision
    assert by_name[hybrid].metrics.precision > by_name["popularity"].metrics.precision + 0.1
    for result in results:
        assert 0 < result.metrics.ndcg <= 1
        assert 0 < result.metrics.coverage <= 1
        assert result.fit_seconds >= 0
        assert result.recommend_seconds > 0


def test_content_model_needs_item_documents():
    train, test = splitter_for("random", seed=42)(RATINGS)
    with pytest.raises(ValueError, match="item documents"):
        fit_content_scorer(evaluation_data(train, test).training)


def test_tune_ease_l2_picks_the_grid_value_with_the_best_validation_ndcg():
    train, _ = splitter_for("random", seed=42)(RATINGS)
    tuning = tune_ease_l2(train, splitter_for("random", seed=42), l2_grid=(0.01, 1.0, 10.0, 100.0), k=5)
    assert list(tuning.validation_ndcg) == [0.01, 1.0, 10.0, 100.0]
    assert tuning.validation_ndcg[tuning.l2] == max(tuning.validation_ndcg.values())
    assert len(set(tuning.validation_ndcg.values())) > 1
