"""One evaluation experiment: fit every model on a train split, recommend top k unseen items, score against test.

Also tunes EASE's L2 on a validation split carved from train, so the test split is never looked at.
"""

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommendations.engine.content import content_neighbours, fit_content_model
from recommendations.engine.ease import DEFAULT_EASE_L2, ease_scores, ease_weights_from_gram, fit_ease, item_gram_matrix
from recommendations.engine.hybrid import blend_scores, content_weights, liking_matrix
from recommendations.engine.interactions import IdIndex, Ratings, index_ids, ratings_matrix
from recommendations.engine.item_knn import fit_item_knn, item_knn_scores
from recommendations.engine.neighbours import neighbours_to_matrix
from recommendations.engine.ranking import UserScorer, recommend_top_k
from recommendations.evaluation.baselines import fit_popularity, naive_user_knn_scores, popularity_scores
from recommendations.evaluation.metrics import RankingMetrics, ndcg_at_k, ranking_metrics
from recommendations.evaluation.splits import random_split, temporal_split

PROTOCOLS = ("random", "temporal")
EASE_L2_GRID = (50.0, 100.0, 200.0, 300.0, 400.0, 500.0, 700.0, 1000.0, 1500.0)
CONTENT_NEIGHBOURS = 50

Splitter = Callable[[Ratings], tuple[Ratings, Ratings]]


@dataclass(frozen=True)
class TrainingData:
    """What a model may see: train interactions only, plus item documents when there are any."""

    items: IdIndex
    binary: sp.csr_array
    ratings: sp.csr_array
    item_documents: Sequence[str] | None = None


@dataclass(frozen=True)
class EvaluationData:
    training: TrainingData
    test: sp.csr_array
    evaluated_users: np.ndarray


@dataclass(frozen=True)
class ModelEvaluation:
    name: str
    metrics: RankingMetrics
    fit_seconds: float
    recommend_seconds: float


@dataclass(frozen=True)
class EaseTuning:
    l2: float
    validation_ndcg: dict[float, float]


ModelFitter = Callable[[TrainingData], UserScorer]


def splitter_for(protocol: str, *, seed: int) -> Splitter:
    """The per-user split for a protocol name: ``random`` (75/25, seeded) or ``temporal`` (latest 20%)."""
    if protocol == "random":
        return lambda ratings: random_split(ratings, seed=seed)
    if protocol == "temporal":
        return temporal_split
    raise ValueError(f"unknown protocol {protocol!r}; expected one of {PROTOCOLS}")


def evaluation_data(
    train: Ratings, test: Ratings, *, item_documents: Mapping[int, str] | None = None
) -> EvaluationData:
    """Matrices over one shared user/item index; users with test items are the ones evaluated."""
    users = index_ids(train.user_ids, test.user_ids)
    items = index_ids(train.item_ids, test.item_ids)
    test_matrix = ratings_matrix(test, users, items, binary=True)
    documents = None if item_documents is None else [item_documents.get(int(item), "") for item in items.ids]
    training = TrainingData(
        items=items,
        binary=ratings_matrix(train, users, items, binary=True),
        ratings=ratings_matrix(train, users, items, binary=False),
        item_documents=documents,
    )
    return EvaluationData(training, test_matrix, np.flatnonzero(np.diff(test_matrix.indptr)))


def model_fitters(*, ease_l2: float = DEFAULT_EASE_L2, with_content: bool = False) -> dict[str, ModelFitter]:
    fitters: dict[str, ModelFitter] = {
        "popularity": fit_popularity_scorer,
        "item kNN": fit_item_knn_scorer,
        "user kNN (plan sketch)": fit_naive_user_knn_scorer,
        f"EASE (l2={ease_l2:g})": lambda training: fit_ease_scorer(training, l2=ease_l2),
    }
    if with_content:
        fitters["content TF-IDF kNN"] = fit_content_scorer
        fitters[f"hybrid as served (EASE l2={ease_l2:g} + content)"] = lambda training: fit_hybrid_scorer(
            training, l2=ease_l2
        )
    return fitters


def evaluate_models(data: EvaluationData, fitters: Mapping[str, ModelFitter], *, k: int) -> list[ModelEvaluation]:
    return [evaluate_model(name, fit, data, k=k) for name, fit in fitters.items()]


def evaluate_model(name: str, fit: ModelFitter, data: EvaluationData, *, k: int) -> ModelEvaluation:
    started = time.perf_counter()
    score_users = fit(data.training)
    fitted = time.perf_counter()
    recommended = recommend_top_k(score_users, data.training.binary, data.evaluated_users, k=k)
    recommend_seconds = time.perf_counter() - fitted
    metrics = ranking_metrics(recommended, data.test[data.evaluated_users], n_items=len(data.training.items))
    return ModelEvaluation(name, metrics, fit_seconds=fitted - started, recommend_seconds=recommend_seconds)


def tune_ease_l2(
    train: Ratings, split: Splitter, *, l2_grid: Sequence[float] = EASE_L2_GRID, k: int = 10
) -> EaseTuning:
    """The L2 with the best NDCG@k on a validation split carved from ``train`` by the same protocol.

    The test split is never looked at, so the test figures stay an honest estimate.
    """
    fit_part, validation = split(train)
    data = evaluation_data(fit_part, validation)
    gram = item_gram_matrix(data.training.binary)
    validation_ndcg = {}
    for l2 in l2_grid:
        score_users = _ease_scorer(ease_weights_from_gram(gram, l2), data.training.binary)
        recommended = recommend_top_k(score_users, data.training.binary, data.evaluated_users, k=k)
        validation_ndcg[l2] = ndcg_at_k(recommended, data.test[data.evaluated_users])
    return EaseTuning(l2=max(validation_ndcg, key=validation_ndcg.__getitem__), validation_ndcg=validation_ndcg)


def fit_popularity_scorer(training: TrainingData) -> UserScorer:
    popularity = fit_popularity(training.binary)
    return lambda users: popularity_scores(popularity, len(users))


def fit_item_knn_scorer(training: TrainingData) -> UserScorer:
    similarity = fit_item_knn(training.binary)
    return lambda users: item_knn_scores(similarity, training.binary[users])


def fit_naive_user_knn_scorer(training: TrainingData) -> UserScorer:
    # Nothing to precompute: the sketch compares each user against everyone at request time.
    return lambda users: naive_user_knn_scores(training.ratings, users)


def fit_ease_scorer(training: TrainingData, *, l2: float) -> UserScorer:
    return _ease_scorer(fit_ease(training.binary, l2=l2), training.binary)


def fit_content_scorer(training: TrainingData) -> UserScorer:
    """Scores an item by its content similarity to the user's items, like item kNN on TF-IDF vectors."""
    similarity = _content_similarity(training)
    return lambda users: item_knn_scores(similarity, training.binary[users])


def fit_hybrid_scorer(training: TrainingData, *, l2: float) -> UserScorer:
    """EASE blended with content similarity to the items a user liked, weighted by their number of reviews."""
    weights = fit_ease(training.binary, l2=l2)
    content_similarity = _content_similarity(training)
    liked = liking_matrix(training.ratings)
    review_counts = np.diff(training.binary.indptr)

    def score(users: np.ndarray) -> np.ndarray:
        collaborative = ease_scores(weights, training.binary[users])
        content = item_knn_scores(content_similarity, liked[users])
        return blend_scores(collaborative, content, content_weights(review_counts[users]))

    return score


def _content_similarity(training: TrainingData) -> sp.csr_array:
    if training.item_documents is None:
        raise ValueError("the content model needs item documents")
    model = fit_content_model(training.item_documents)
    indices, similarities = content_neighbours(model, k=CONTENT_NEIGHBOURS)
    return neighbours_to_matrix(indices, similarities, n_columns=len(training.items))


def _ease_scorer(weights: np.ndarray, interactions: sp.csr_array) -> UserScorer:
    return lambda users: ease_scores(weights, interactions[users])
