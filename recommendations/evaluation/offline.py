"""One offline evaluation run on a MovieLens-style dataset on disk, and its report as text.

Run by ``manage.py evaluate_recommender``: it reads the dataset files directly (never the application database),
splits them, tunes EASE's L2 on a validation split carved from train unless it is given, fits every model on the
train split only and scores the test split.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from imports.movielens.reader import read_item_lines, read_rating_lines
from recommendations.engine.content import movie_document
from recommendations.engine.interactions import ratings_from_rows
from recommendations.evaluation.experiment import (
    EaseTuning,
    ModelEvaluation,
    evaluate_models,
    evaluation_data,
    model_fitters,
    splitter_for,
    tune_ease_l2,
)

RATINGS_FILE_NAMES = ("ml-100k.inter", "u.data")


@dataclass(frozen=True)
class OfflineReport:
    ratings_path: Path
    protocol: str
    seed: int
    k: int
    n_ratings: int
    n_train: int
    n_test: int
    n_evaluated_users: int
    n_items: int
    tuning: EaseTuning | None
    results: list[ModelEvaluation]
    seconds: float


def ratings_file(dataset: Path) -> Path:
    """``dataset`` itself when it is a file, else the ratings file inside that directory."""
    if dataset.is_file():
        return dataset
    for name in RATINGS_FILE_NAMES:
        if (dataset / name).is_file():
            return dataset / name
    inter_files = sorted(dataset.glob("*.inter"))
    if inter_files:
        return inter_files[0]
    raise FileNotFoundError(f"no ratings file ({', '.join(RATINGS_FILE_NAMES)} or *.inter) in {dataset}")


def item_documents(ratings_path: Path) -> dict[int, str] | None:
    """Content documents from the ``.item`` file next to an ``.inter`` file, when there is one."""
    items_path = ratings_path.with_suffix(".item")
    if ratings_path.suffix != ".inter" or not items_path.is_file():
        return None
    return {item.item_id: movie_document(title=item.title, genres=item.genres) for item in read_item_lines(items_path)}


def run_offline_evaluation(
    dataset: Path, *, protocol: str, k: int, seed: int, ease_l2: float | None = None
) -> OfflineReport:
    started = time.perf_counter()
    path = ratings_file(dataset)
    ratings = ratings_from_rows(
        [(row.user_id, row.item_id, row.rating, row.timestamp) for row in read_rating_lines(path)]
    )
    split = splitter_for(protocol, seed=seed)
    train, test = split(ratings)

    tuning = None
    if ease_l2 is None:
        tuning = tune_ease_l2(train, split, k=k)
        ease_l2 = tuning.l2
    documents = item_documents(path)
    data = evaluation_data(train, test, item_documents=documents)
    fitters = model_fitters(ease_l2=ease_l2, with_content=documents is not None)
    results = evaluate_models(data, fitters, k=k)
    return OfflineReport(
        ratings_path=path,
        protocol=protocol,
        seed=seed,
        k=k,
        n_ratings=len(ratings),
        n_train=len(train),
        n_test=len(test),
        n_evaluated_users=len(data.evaluated_users),
        n_items=len(data.training.items),
        tuning=tuning,
        results=results,
        seconds=time.perf_counter() - started,
    )


def report_lines(report: OfflineReport) -> list[str]:
    k = report.k
    lines = []
    if report.tuning is not None:
        grid = ", ".join(f"{l2:g}: {ndcg:.4f}" for l2, ndcg in report.tuning.validation_ndcg.items())
        lines.append(f"EASE l2 = {report.tuning.l2:g}, best validation NDCG@{k} over {{{grid}}}")
    split_name = f"random split (seed {report.seed})" if report.protocol == "random" else "temporal split"
    lines.append(
        f"{report.ratings_path.name}: {report.n_ratings:,} ratings; {split_name}: {report.n_train:,} train, "
        f"{report.n_test:,} test; {report.n_evaluated_users:,} users evaluated over {report.n_items:,} items"
    )
    lines.extend(_table(report.results, k=k))
    n_items = report.n_items
    lines.append(f"EASE weights: {n_items:,} x {n_items:,} float64 = {n_items * n_items * 8 / 1e6:.1f} MB")
    lines.append(f"total {report.seconds:.1f} s")
    return lines


def _table(results: list[ModelEvaluation], *, k: int) -> list[str]:
    name_width = max(len(result.name) for result in results)
    headers = [f"precision@{k}", f"recall@{k}", f"NDCG@{k}", f"MAP@{k}", "coverage", "fit s", "recommend s"]
    lines = [f"{'model':<{name_width}}  " + "  ".join(f"{header:>12}" for header in headers)]
    for result in results:
        metrics = result.metrics
        values = [metrics.precision, metrics.recall, metrics.ndcg, metrics.map, metrics.coverage]
        seconds = [result.fit_seconds, result.recommend_seconds]
        cells = [f"{value:>12.4f}" for value in values] + [f"{value:>12.3f}" for value in seconds]
        lines.append(f"{result.name:<{name_width}}  " + "  ".join(cells))
    return lines
