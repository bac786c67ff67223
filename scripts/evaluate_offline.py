"""Offline evaluation of the recommendation models on MovieLens: split, fit every model, print the metrics.

    python scripts/evaluate_offline.py [--dataset PATH] --protocol random|temporal --k 10 --seed 42

--dataset is a ratings file (RecBole ``.inter`` with a header, or the original tab-separated ``u.data``) or
a directory holding one. A ``.item`` file next to an ``.inter`` file adds the content-based model and the
hybrid as served. EASE's L2 is tuned on a validation split carved from train unless --ease-l2 fixes it.
``python manage.py evaluate_recommender`` runs the same code (recommendations/engine/offline.py).
"""

import argparse
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommendations.engine.evaluation import PROTOCOLS  # noqa: E402
from recommendations.engine.offline import report_lines, run_offline_evaluation  # noqa: E402


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


def main() -> None:
    args = parse_args()
    with threadpool_limits(limits=args.blas_threads):
        try:
            report = run_offline_evaluation(
                args.dataset, protocol=args.protocol, k=args.k, seed=args.seed, ease_l2=args.ease_l2
            )
        except FileNotFoundError as error:
            raise SystemExit(str(error)) from None
    print("\n".join(report_lines(report)))


if __name__ == "__main__":
    main()
