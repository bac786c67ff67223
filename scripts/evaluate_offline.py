"""Offline evaluation of the recommendation models on MovieLens: split, fit every model, print the metrics.

    python scripts/evaluate_offline.py [--dataset PATH] --protocol random|temporal --k 10 --seed 42

--dataset is a ratings file (RecBole ``.inter`` with a header, or the original tab-separated ``u.data``) or
a directory holding one. A ``.item`` file next to an ``.inter`` file adds the content-based model.
EASE's L2 is tuned on a validation split carved from train unless --ease-l2 fixes it.
"""

import argparse
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommendations.engine.content import movie_document  # noqa: E402
from recommendations.engine.evaluation import (  # noqa: E402
    PROTOCOLS,
    EaseTuning,
    ModelEvaluation,
    evaluate_models,
    evaluation_data,
    model_fitters,
    splitter_for,
    tune_ease_l2,
)
from recommendations.engine.interactions import load_movielens_items, load_movielens_ratings  # noqa: E402

RATINGS_FILE_NAMES = ("ml-100k.inter", "u.data")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared" / "data" / "ml-100k")
    parser.add_argument("--protocol", choices=PROTOCOLS, default="random")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ease-l2", type=float, help="skip tuning and use this L2")
    # At ~1.7k items one BLAS thread inverts EASE's matrix in ~0.2 s; more threads mostly fight each
    # other and any other process on a small shared machine, and make the fit times noisy.
    parser.add_argument("--blas-threads", type=int, default=1)
    return parser.parse_args()


def ratings_file(dataset: Path) -> Path:
    if dataset.is_file():
        return dataset
    for name in RATINGS_FILE_NAMES:
        if (dataset / name).is_file():
            return dataset / name
    inter_files = sorted(dataset.glob("*.inter"))
    if inter_files:
        return inter_files[0]
    raise SystemExit(f"no ratings file ({', '.join(RATINGS_FILE_NAMES)} or *.inter) in {dataset}")


def item_documents(ratings_path: Path) -> dict[int, str] | None:
    items_path = ratings_path.with_suffix(".item")
    if ratings_path.suffix != ".inter" or not items_path.is_file():
        return None
    return {
        item_id: movie_document(title=title, genres=genres)
        for item_id, (title, _year, genres) in load_movielens_items(items_path).items()
    }


def print_table(results: list[ModelEvaluation], *, k: int) -> None:
    name_width = max(len(result.name) for result in results)
    headers = [f"precision@{k}", f"recall@{k}", f"NDCG@{k}", f"MAP@{k}", "coverage", "fit s", "recommend s"]
    print(f"{'model':<{name_width}}  " + "  ".join(f"{header:>12}" for header in headers))
    for result in results:
        metrics = result.metrics
        values = [metrics.precision, metrics.recall, metrics.ndcg, metrics.map, metrics.coverage]
        seconds = [result.fit_seconds, result.recommend_seconds]
        cells = [f"{value:>12.4f}" for value in values] + [f"{value:>12.3f}" for value in seconds]
        print(f"{result.name:<{name_width}}  " + "  ".join(cells))


def print_tuning(tuning: EaseTuning, *, k: int) -> None:
    grid = ", ".join(f"{l2:g}: {ndcg:.4f}" for l2, ndcg in tuning.validation_ndcg.items())
    print(f"EASE l2 = {tuning.l2:g}, best validation NDCG@{k} over {{{grid}}}")


def main() -> None:
    args = parse_args()
    with threadpool_limits(limits=args.blas_threads):
        evaluate(args)


def evaluate(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    path = ratings_file(args.dataset)
    ratings = load_movielens_ratings(path)
    split = splitter_for(args.protocol, seed=args.seed)
    train, test = split(ratings)

    if args.ease_l2 is None:
        tuning = tune_ease_l2(train, split, k=args.k)
        print_tuning(tuning, k=args.k)
        ease_l2 = tuning.l2
    else:
        ease_l2 = args.ease_l2

    documents = item_documents(path)
    data = evaluation_data(train, test, item_documents=documents)
    fitters = model_fitters(ease_l2=ease_l2, with_content=documents is not None)
    results = evaluate_models(data, fitters, k=args.k)

    n_items = len(data.training.items)
    split_name = f"random split (seed {args.seed})" if args.protocol == "random" else "temporal split"
    print(
        f"{path.name}: {len(ratings):,} ratings; {split_name}: {len(train):,} train, {len(test):,} test; "
        f"{len(data.evaluated_users):,} users evaluated over {n_items:,} items"
    )
    print_table(results, k=args.k)
    print(f"EASE weights: {n_items:,} x {n_items:,} float64 = {n_items * n_items * 8 / 1e6:.1f} MB")
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
