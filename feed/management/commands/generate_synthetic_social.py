"""Bulk-generate members, follows and their activity (with its feed events) for the feed's load benchmark."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feed.synthetic import USERNAME_PREFIX, Sizes, SyntheticDataExists, generate


class Command(BaseCommand):
    help = (
        f"Create --users members ({USERNAME_PREFIX}<n>, no usable password) each following --follows others, and "
        "--events pieces of activity (40% reviews, 35% diary entries, 5% lists, 20% review likes) with their feed "
        "events. Reuses the catalogue's movies, or creates --movies plain ones when there are none. Refuses to "
        "run twice on the same database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--follows", type=int, default=100, help="members each member follows")
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--movies", type=int, default=5_000, help="only when the catalogue is empty")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(users=options["users"], follows=options["follows"], events=options["events"],
                      movies=options["movies"])  # fmt: skip
        started = time.perf_counter()

        def log(what: str) -> None:
            if options["verbosity"]:
                self.stdout.write(f"{what} ({time.perf_counter() - started:.1f} s)")

        try:
            generate(sizes, options["seed"], log)
        except (SyntheticDataExists, ValueError) as error:
            raise CommandError(str(error)) from None
