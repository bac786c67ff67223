"""Load with writes on PostgreSQL + Redis: --writers members write at once (reviews, film and review likes, diary
entries, follows) while wrk reads the public pages, for --duration seconds; then every count and aggregate is
checked against the rows, the rows against what each writer was told, and the API's answers against the database.
Two runs by default: a steady one, then one where Redis is stopped for --outage-seconds in the middle.

A fresh database (--database, on --postgres) gets --movies films and the writers. Redis is a redis-server of the
run's own on a free port (the cache, the throttles' shared store and the generations of cached reads), so stopping
it touches nothing else. gunicorn (--workers processes) serves with the production cache settings; the throttles
are raised so the load is not refused.

Each writer is one member and the only one to change their reviews, likes, diary and follows, so the client knows
what must be in the database afterwards. A like of another member's review can meet a review its author has just
deleted: that 404 is expected. Any 5xx, transport error or mismatch fails the run (exit status 1).

    python scripts/bench_writes.py [--writers 50] [--duration 60] [--outage-at 20 --outage-seconds 20]
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from loadtest import run_wrk, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.redis_server import RedisServer  # noqa: E402

WRITER_PREFIX = "writer_"
HALF_STARS = [step / 2 for step in range(1, 11)]

READERS_LUA = """
local movies = {movies}
local paths = {{"/api/movies/?ordering=-avg_rating", "/api/genres/", "/api/recommendations/top-rated/",
                "/api/reviews/", "/"}}
function request()
  local pick = math.random(10)
  local movie = movies[math.random(#movies)]
  if pick <= 3 then return wrk.format("GET", "/api/movies/" .. movie .. "/") end
  if pick <= 5 then return wrk.format("GET", "/api/movies/" .. movie .. "/reviews/") end
  if pick == 6 then return wrk.format("GET", "/films/" .. movie .. "/") end
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=50, help="members writing at once, one connection each")
    parser.add_argument("--movies", type=int, default=60, help="films (few, so writers collide on them)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per run")
    parser.add_argument("--outage-at", type=int, default=20, help="second of the second run when Redis stops")
    parser.add_argument("--outage-seconds", type=int, default=20, help="how long Redis stays down; 0 = no such run")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server (no database)")
    parser.add_argument("--database", default="flixreview_bench_writes", help="dropped and created anew")
    parser.add_argument("--connections", type=int, default=8, help="wrk readers' connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "writes"))
    return parser.parse_args()


# --- what each writer was told -----------------------------------------------------------------------------------


@dataclass
class Ledger:
    """One writer's acknowledged state: what the database must hold for this member afterwards."""

    username: str
    token: str
    reviews: dict[int, tuple[int, float]] = field(default_factory=dict)  # movie -> (review id, rating)
    liked_movies: set[int] = field(default_factory=set)
    liked_reviews: set[int] = field(default_factory=set)
    diary: set[int] = field(default_factory=set)  # entry ids
    following: set[str] = field(default_factory=set)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)  # (action, status) -> count
    transport_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, status: int) -> None:
        with self.lock:
            self.statuses[(action, status)] += 1

    def server_errors(self) -> int:
        return sum(count for (_, status), count in self.statuses.items() if status >= 500)

    def requests(self) -> int:
        return sum(self.statuses.values())


class Writer:
    """One member's loop of writes over a keep-alive connection."""

    def __init__(self, ledger: Ledger, movies: list[int], members: list[str], shared_reviews: list[int],
                 tally: Tally, port: int, seed: int) -> None:  # fmt: skip
        self.ledger = ledger
        self.movies = movies
        self.others = [name for name in members if name != ledger.username]
        self.shared_reviews = shared_reviews
        self.tally = tally
        self.port = port
        self.random = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def run(self, deadline: float) -> None:
        # Reviews and viewings twice as often as the rest.
        actions = [self.write_review, self.write_review, self.delete_review, self.log_viewing, self.log_viewing,
                   self.delete_entry, self.toggle_movie_like, self.toggle_review_like, self.toggle_follow]  # fmt: skip
        while time.monotonic() < deadline:
            try:
                self.random.choice(actions)()
            except (OSError, http.client.HTTPException) as error:
                # The write's outcome is unknown: the run fails, and the connection starts again.
                self.tally.transport_errors.append(f"{self.ledger.username}: {error!r}")
                self.connection.close()
        self.connection.close()

    def call(self, action: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.ledger.token}", "Content-Type": "application/json"}
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        self.tally.add(action, response.status)
        payload = (
            json.loads(raw) if raw and response.getheader("Content-Type", "").startswith("application/json") else {}
        )
        return response.status, payload

    def write_review(self) -> None:
        movie, rating = self.random.choice(self.movies), self.random.choice(HALF_STARS)
        if movie in self.ledger.reviews:
            review_id, _ = self.ledger.reviews[movie]
            status, _ = self.call("review update", "PATCH", f"/api/reviews/{review_id}/", {"rating": rating})
            if status == 200:
                self.ledger.reviews[movie] = (review_id, rating)
            return
        body = {"movie": movie, "rating": rating, "body": f"{self.ledger.username} on film {movie}"}
        status, payload = self.call("review create", "POST", "/api/reviews/", body)
        if status == 201:
            self.ledger.reviews[movie] = (payload["id"], rating)
            self.shared_reviews.append(payload["id"])

    def delete_review(self) -> None:
        if self.ledger.reviews:
            movie = self.random.choice(sorted(self.ledger.reviews))
            if self.deleted("review delete", f"/api/reviews/{self.ledger.reviews[movie][0]}/"):
                del self.ledger.reviews[movie]

    def delete_entry(self) -> None:
        if self.ledger.diary:
            entry = self.random.choice(sorted(self.ledger.diary))
            if self.deleted("diary delete", f"/api/diary/{entry}/"):
                self.ledger.diary.discard(entry)

    def deleted(self, name: str, path: str) -> bool:
        status, _ = self.call(name, "DELETE", path)
        return status == 204

    def toggle(self, name: str, path: str, held: set, key: int | str) -> None:
        """Like (or follow) with PUT when ``key`` is not in ``held``, take it back with DELETE when it is; ``held``
        keeps what the server said. A 404 is a review its author deleted meanwhile: the like went with it."""
        if key in held:
            status, _ = self.call(f"un-{name}", "DELETE", path)
        else:
            status, _ = self.call(name, "PUT", path)
        if status in (200, 201):
            held.add(key)
        elif status in (204, 404):
            held.discard(key)

    def toggle_movie_like(self) -> None:
        movie = self.random.choice(self.movies)
        self.toggle("like a film", f"/api/movies/{movie}/like/", self.ledger.liked_movies, movie)

    def toggle_review_like(self) -> None:
        own = {review for review, _ in self.ledger.reviews.values()}
        others = [review for review in self.shared_reviews if review not in own]
        if others:
            review = self.random.choice(others)
            self.toggle("like a review", f"/api/reviews/{review}/like/", self.ledger.liked_reviews, review)

    def log_viewing(self) -> None:
        movie = self.random.choice(self.movies)
        body: dict = {
            "movie": movie,
            "watched_on": f"2026-{self.random.randint(1, 11):02d}-{self.random.randint(1, 28):02d}",
        }
        if self.random.random() < 0.5:
            body["rating"] = self.random.choice(HALF_STARS)
        status, payload = self.call("diary entry", "POST", "/api/diary/", body)
        if status == 201:
            self.ledger.diary.add(payload["id"])
            if "rating" in body:  # saved as the member's review of the film too
                self.ledger.reviews[movie] = (payload["review"], body["rating"])
                if payload["review"] not in self.shared_reviews:
                    self.shared_reviews.append(payload["review"])

    def toggle_follow(self) -> None:
        other = self.random.choice(self.others)
        self.toggle("follow", f"/api/users/{other}/follow/", self.ledger.following, other)


# --- the server and its data --------------------------------------------------------------------------------------


def bench_env(args: argparse.Namespace, redis_url: str) -> dict[str, str]:
    unlimited = "100000000/second"
    return server_env(
        DATABASE_URL=f"{args.postgres}/{args.database}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX="bench-writes",
        JWT_ACCESS_MINUTES="240",
        THROTTLE_SOCIAL=unlimited,
        THROTTLE_COMMENTS=unlimited,
        GUNICORN_WORKERS=str(args.workers),
        PORT=str(args.port),
        LOG_FORMAT="plain",
    )


def recreate_database(args: argparse.Namespace) -> None:
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed(args: argparse.Namespace) -> tuple[list[int], list[Ledger]]:
    """The films (in two genres) and the writers, with an access token each."""
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from movies.models import Genre, Movie

    call_command("migrate", "--noinput", verbosity=0)
    genres = [Genre.objects.create(name=name, slug=name.lower()) for name in ("Drama", "Comedy")]
    movies = Movie.objects.bulk_create(Movie(title=f"Film {number}") for number in range(1, args.movies + 1))
    for number, movie in enumerate(movies):
        movie.genres.add(genres[number % 2])
    ledgers = []
    for number in range(args.writers):
        user = User.objects.create_user(f"{WRITER_PREFIX}{number:02d}", password="bench-writes-password-1")
        ledgers.append(Ledger(user.username, str(AccessToken.for_user(user))))
    return [movie.pk for movie in movies], ledgers


def start_server(env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn with its access log dropped and everything else (errors with their tracebacks) written to ``log``."""
    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--access-logfile", "/dev/null"]
    with log.open("w") as errors:
        return subprocess.Popen([*command, "config.wsgi:application"], cwd=ROOT, env=env, stdout=errors, stderr=errors)


# --- one run -----------------------------------------------------------------------------------------------------


def load(args: argparse.Namespace, movies: list[int], ledgers: list[Ledger], shared_reviews: list[int],
         redis: RedisServer, outage: bool, lua: Path) -> dict:  # fmt: skip
    tally = Tally()
    members = [ledger.username for ledger in ledgers]
    deadline = time.monotonic() + args.duration
    writers = [
        Writer(ledger, movies, members, shared_reviews, tally, args.port, seed=args.seed * 1000 + number + outage)
        for number, ledger in enumerate(ledgers)
    ]
    threads = [threading.Thread(target=writer.run, args=(deadline,)) for writer in writers]
    readers: dict = {}
    reader_thread = threading.Thread(
        target=lambda: readers.update(
            run_wrk(f"http://127.0.0.1:{args.port}/", args, args.duration, script=lua, timeout=10)
        )
    )
    started = time.monotonic()
    for thread in [*threads, reader_thread]:
        thread.start()
    outage_window = None
    if outage:
        time.sleep(args.outage_at)
        redis.stop()
        down = time.monotonic() - started
        print(f"  Redis stopped at {down:.1f} s", flush=True)
        time.sleep(args.outage_seconds)
        redis.start()
        up = time.monotonic() - started
        print(f"  Redis started again at {up:.1f} s", flush=True)
        outage_window = [round(down, 1), round(up, 1)]
    for thread in [*threads, reader_thread]:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "seconds": round(elapsed, 1),
        "redis_outage_s": outage_window,
        "writes": tally.requests(),
        "writes_per_second": round(tally.requests() / elapsed, 1),
        "write_statuses": {f"{action} {status}": count for (action, status), count in sorted(tally.statuses.items())},
        "write_server_errors": tally.server_errors(),
        "transport_errors": tally.transport_errors[:10],
        "transport_error_count": len(tally.transport_errors),
        "reads": readers["requests"],
        "reads_per_second": readers["requests_per_second"],
        "read_p99_ms": readers["p99_ms"],
        "read_non_2xx": readers["non_2xx"],
        "read_socket_errors": readers["socket_errors"],
    }


# --- the checks afterwards ---------------------------------------------------------------------------------------


def database_mismatches(ledgers: list[Ledger]) -> list[str]:
    """Every denormalised count against its rows, and every writer's rows against what they were told."""
    from django.db.models import Avg, Count

    from activity.models import DiaryEntry, MovieLike
    from follows.models import Follow
    from movies.models import Movie
    from movies.ratings import no_ratings, rating_key
    from reviews.models import Review, ReviewLike

    problems = []
    for movie in Movie.objects.all():
        reviews = Review.objects.filter(movie=movie)
        facts = reviews.aggregate(count=Count("pk"), avg=Avg("rating"))
        distribution = no_ratings()
        for rating in reviews.values_list("rating", flat=True):
            distribution[rating_key(rating)] += 1
        likes = MovieLike.objects.filter(movie=movie).count()
        if movie.review_count != facts["count"] or abs(movie.avg_rating - (facts["avg"] or 0.0)) > 1e-9:
            problems.append(f"film {movie.pk}: {movie.review_count} reviews, avg {movie.avg_rating}; rows say {facts}")
        if movie.rating_distribution != distribution:
            problems.append(f"film {movie.pk}: distribution {movie.rating_distribution}, rows say {distribution}")
        if movie.like_count != likes:
            problems.append(f"film {movie.pk}: like_count {movie.like_count}, rows say {likes}")
    for review in Review.objects.annotate(rows=Count("likes")).exclude(like_count=0, rows=0):
        if review.like_count != review.rows:
            problems.append(f"review {review.pk}: like_count {review.like_count}, rows say {review.rows}")
    existing_reviews = set(Review.objects.values_list("pk", flat=True))
    for ledger in ledgers:
        name = ledger.username
        rows = {(movie, (pk, rating)) for pk, movie, rating in
                Review.objects.filter(user__username=name).values_list("pk", "movie_id", "rating")}  # fmt: skip
        if rows != set(ledger.reviews.items()):
            problems.append(f"{name}: reviews {sorted(rows)} but told {sorted(ledger.reviews.items())}")
        checks = {
            "film likes": (MovieLike.objects.filter(user__username=name).values_list("movie_id", flat=True),
                           ledger.liked_movies),
            "review likes": (ReviewLike.objects.filter(user__username=name).values_list("review_id", flat=True),
                             ledger.liked_reviews & existing_reviews),
            "diary": (DiaryEntry.objects.filter(user__username=name).values_list("pk", flat=True), ledger.diary),
            "following": (Follow.objects.filter(follower__username=name).values_list("followee__username", flat=True),
                          ledger.following),
        }  # fmt: skip
        for what, (query, told) in checks.items():
            if set(query) != told:
                problems.append(f"{name}: {what} {sorted(set(query))} but told {sorted(told)}")
    return problems


def api_mismatches(port: int, movies: list[int], ledgers: list[Ledger]) -> list[str]:
    """What visitors are shown now (through the cache) against the database."""
    from django.db.models import Avg, Count

    from follows.models import Follow
    from movies.models import Genre, Movie
    from reviews.models import Review

    def get(path: str) -> dict:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
        return json.loads(body)

    problems = []
    for movie in Movie.objects.filter(pk__in=movies):
        shown = get(f"/api/movies/{movie.pk}/")
        expected = {"review_count": movie.review_count, "like_count": movie.like_count}
        expected["avg_rating"] = movie.avg_rating
        shown = {key: shown[key] for key in expected}
        if shown != expected:
            problems.append(f"/api/movies/{movie.pk}/ shows {shown}; the database has {expected}")
    shown_genres = {genre["slug"]: genre for genre in get("/api/genres/")["results"]}
    for genre in Genre.objects.all():
        reviews = Review.objects.filter(movie__genres=genre).aggregate(count=Count("pk"), avg=Avg("movie__avg_rating"))
        if shown_genres[genre.slug]["review_count"] != reviews["count"]:
            problems.append(f"/api/genres/ shows {genre.slug} with {shown_genres[genre.slug]['review_count']} reviews, "
                            f"the database {reviews['count']}")  # fmt: skip
    for ledger in ledgers:
        shown = get(f"/api/users/{ledger.username}/")
        expected = {
            "follower_count": Follow.objects.filter(followee__username=ledger.username).count(),
            "following_count": len(ledger.following),
        }
        if {key: shown[key] for key in expected} != expected:
            problems.append(f"/api/users/{ledger.username}/ shows {shown}, expected {expected}")
        stats = shown.get("stats", {})
        for key, count in (("reviews", len(ledger.reviews)), ("likes", len(ledger.liked_movies)),
                           ("diary_entries", len(ledger.diary))):  # fmt: skip
            if key in stats and stats[key] != count:
                problems.append(f"/api/users/{ledger.username}/ stats {key} {stats[key]}, expected {count}")
    return problems


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (or brew install wrk)")
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is not installed: apt-get install redis-server")
    output_dir = Path(args.output)
    output_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-writes-"))
    redis = RedisServer(shutil.which("redis-server"), workdir)
    redis.start()
    env = bench_env(args, redis.url(0))
    recreate_database(args)
    setup_django(env)
    from recommendations.tasks import refresh_popular_figures

    movies, ledgers = seed(args)
    lua = output_dir / "readers.lua"
    lua.write_text(READERS_LUA.format(movies="{" + ",".join(map(str, movies)) + "}"))
    server_log = output_dir / "server-errors.log"
    server = start_server(env, server_log)
    shared_reviews: list[int] = []
    runs = {}
    failures = []
    try:
        wait_until_up(f"http://127.0.0.1:{args.port}/health/")
        plan = [("steady", False)] + ([("Redis outage", True)] if args.outage_seconds else [])
        for name, outage in plan:
            print(f"{name}: {args.writers} writers and {args.connections} reader connections for {args.duration} s",
                  flush=True)  # fmt: skip
            row = load(args, movies, ledgers, shared_reviews, redis, outage, lua)
            time.sleep(1)
            refresh_popular_figures()  # as beat does every minute: the genres' figures are among them
            row["database_mismatches"] = database_mismatches(ledgers)
            row["api_mismatches"] = api_mismatches(args.port, movies, ledgers)
            runs[name] = row
            print(json.dumps(row, indent=2), flush=True)
            failures += [f"{name}: {problem}" for problem in row["database_mismatches"] + row["api_mismatches"]]
            if row["write_server_errors"] or row["transport_error_count"]:
                failures.append(f"{name}: {row['write_server_errors']} server errors, "
                                f"{row['transport_error_count']} transport errors among the writes")  # fmt: skip
            if row["read_non_2xx"] or row["read_socket_errors"]:
                failures.append(
                    f"{name}: {row['read_non_2xx']} failed reads, socket errors {row['read_socket_errors']}"
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    (output_dir / "writes.json").write_text(json.dumps({"runs": runs, "failures": failures}, indent=2))
    print("\nall checks passed" if not failures else "\nfailed:\n  " + "\n  ".join(failures[:50]))
    print(f"server errors, if any, are in {server_log}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
