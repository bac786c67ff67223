"""Offline evaluation of the recommender on a MovieLens-style dataset (recommendations.evaluation)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from recommendations.evaluation.experiment import PROTOCOLS
from recommendations.evaluation.offline import report_lines, run_offline_evaluation

DEFAULT_DATASET = Path(settings.BASE_DIR).parent / "shared" / "data" / "ml-100k"


class Command(BaseCommand):
    help = (
        "Split a MovieLens-style dataset (read from its files, not from the database), fit every model on the "
        "train split only, and print precision, recall, NDCG and MAP at k, catalogue coverage and fit time for "
        "EASE (our collaborative model), the hybrid as served, and the baselines: popularity, item kNN and the "
        "plan's user-user sketch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            type=Path,
            default=DEFAULT_DATASET,
            help="Ratings file (.inter or u.data) or a directory holding one; a .item file adds content models.",
        )
        parser.add_argument("--protocol", choices=PROTOCOLS, default="random")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--ease-l2", type=float, help="Use this L2 instead of tuning it on a validation split.")
        # At ~1.7k items one BLAS thread inverts EASE's matrix in ~0.2 s; more threads mostly fight each other and
        # any other process on a small shared machine, and make the fit times noisy.
        parser.add_argument("--blas-threads", type=int, default=1, help="Threads for the matrix inversions.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 1:
            raise CommandError("--k must be at least 1.")
        with threadpool_limits(limits=options["blas_threads"]):
            try:
                report = run_offline_evaluation(
                    options["dataset"],
                    protocol=options["protocol"],
                    k=options["k"],
                    seed=options["seed"],
                    ease_l2=options["ease_l2"],
                )
            except (FileNotFoundError, ValueError) as error:
                raise CommandError(str(error)) from error
        self.stdout.write("\n".join(report_lines(report)))
