"""Print for-you recommendations for one user or every user, as JSON or JSON lines."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from movies.models import Movie
from recommendations.selectors.for_you import Entry, for_you_entries
from recommendations.serving import UserHistory, personal_picks, served_model
from reviews.models import Review

BATCH_SIZE = 256


class Command(BaseCommand):
    help = (
        "Recommend movies (the same as GET /api/recommendations/for-you/) for --user USERNAME or --all-users. "
        'Each user is {"user", "items": [{"movie_id", "movielens_id", "tmdb_id", "title", "score", "reason"}]}; '
        "--format jsonl writes one per line as it goes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", metavar="USERNAME")
        who.add_argument("--all-users", action="store_true", help="Every active user, read in batches.")
        parser.add_argument("--limit", type=int, default=10, help="Movies per user (1-50, default 10).")
        parser.add_argument("--format", choices=["json", "jsonl"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= 50:
            raise CommandError("--limit must be between 1 and 50.")
        users = get_user_model().objects.filter(is_active=True).order_by("pk")
        if options["user"]:
            user = users.filter(username__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
            batches: Iterable[list[Any]] = [[user]]
        else:
            batches = _batches(users)
        as_lines = options["format"] == "jsonl"
        single = bool(options["user"])
        if not as_lines and not single:
            self.stdout.write("[")
        first = True
        for batch in batches:
            for entry in recommend_batch(batch, limit=limit):
                if as_lines:
                    self.stdout.write(json.dumps(entry))
                elif single:
                    self.stdout.write(json.dumps(entry, indent=2))
                else:
                    self.stdout.write(("  " if first else ", ") + json.dumps(entry))
                first = False
        if not as_lines and not single:
            self.stdout.write("]")


def _batches(users: QuerySet[Any]) -> Iterator[list[Any]]:
    """Users in primary-key order, BATCH_SIZE at a time, without holding them all in memory."""
    last = 0
    while True:
        batch = list(users.filter(pk__gt=last)[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def recommend_batch(users: list[Any], *, limit: int) -> list[dict[str, Any]]:
    """One entry per user, each the user's for-you list; the batch shares its database queries."""
    model = served_model()
    histories = _histories(users)
    picks = [personal_picks(model, history, limit=limit) if model is not None else [] for history in histories]
    named = {movie_id for user_picks in picks for pick in user_picks for movie_id in (pick.movie_id, *pick.because)}
    titles = dict(Movie.objects.filter(pk__in=named).values_list("pk", "title"))
    entries = [
        for_you_entries(user, model, history, user_picks, limit=limit, titles=titles)
        for user, history, user_picks in zip(users, histories, picks, strict=True)
    ]
    listed = {entry.movie_id for user_entries in entries for entry in user_entries}
    columns = ("pk", "movielens_id", "tmdb_id", "title")
    movies = {row[0]: row for row in Movie.objects.filter(pk__in=listed).values_list(*columns)}
    return [
        {"user": user.username, "items": [_item(movies[entry.movie_id], entry) for entry in user_entries]}
        for user, user_entries in zip(users, entries, strict=True)
    ]


def _histories(users: list[Any]) -> list[UserHistory]:
    """Each user's reviews, in one query."""
    rows: dict[int, list[tuple[int, float]]] = {user.pk: [] for user in users}
    reviews = Review.objects.filter(user_id__in=list(rows)).order_by("movie_id")
    for user_id, movie_id, rating in reviews.values_list("user_id", "movie_id", "rating"):
        rows[user_id].append((movie_id, rating))
    return [UserHistory.from_rows(rows[user.pk]) for user in users]


def _item(movie: tuple[Any, ...], entry: Entry) -> dict[str, Any]:
    movie_id, movielens_id, tmdb_id, title = movie
    return {
        "movie_id": movie_id,
        "movielens_id": movielens_id,
        "tmdb_id": tmdb_id,
        "title": title,
        "score": entry.score,
        "reason": entry.reason,
    }
