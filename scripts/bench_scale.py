"""Every read of the API and the site at MovieLens-25M size on PostgreSQL, with the caches off: each one cold (the
first request of its kind to a fresh server, then a second), then under load against `/health/`.

The catalogue (`generate_synthetic_catalogue`: by default 60,000 films, 100,000 members, 5,000,000 reviews) is made
once in --database and reused by later runs (--fresh makes it anew); `build_recommendations` runs when no model is
active (or with --rebuild). Both are timed, with their peak memory. gunicorn (--workers, one by default for the cold
requests) serves with RESPONSE_CACHE_SECONDS=0 and RECOMMENDATIONS_CACHE_SECONDS=0 and no Redis, so every read is
computed. The targets: each read cold at most --max-cold-ms (30); under load at least 20% of `/health/`'s req/s and
a p99 at most twice its p99. Results go to bench-results/scale/.

    python scripts/bench_scale.py [--movies 60000 --users 100000 --reviews 5000000] [--fresh] [--rebuild]
"""

import argparse
import json
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from loadtest import run_wrk, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MIN_SHARE_OF_HEALTH = 0.20
MAX_P99_RATIO = 2.0
MEMBER = "syn_42"
POPULAR_FIGURES_REFRESH_SECONDS = 50  # a little under the settings' 60, as beat's schedule keeps them

# Runs in `manage.py shell`: what the reads name (a film, a genre, a review, a list) and a member's access token.
FIXTURE_SNIPPET = """
import json
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from movies.models import Genre, Movie
from reviews.models import Review
member = User.objects.get(username="{member}")
movie = Movie.objects.order_by("-review_count").values_list("pk", flat=True)[100]
print(json.dumps({{
    "token": str(AccessToken.for_user(member)),
    "movie": movie,
    "quiet_movie": Movie.objects.order_by("review_count", "pk").values_list("pk", flat=True).first(),
    "genre": Genre.objects.order_by("pk").values_list("slug", flat=True).first(),
    "review": Review.objects.filter(movie_id=movie).order_by("pk").values_list("pk", flat=True).first(),
}}))
"""


def reads(fixture: dict) -> list[tuple[str, bool]]:
    """(path, as the member) for every read endpoint of the API and the site."""
    movie, genre, review = fixture["movie"], fixture["genre"], fixture["review"]
    public = [
        "/api/movies/",
        "/api/movies/?search=kalo",
        f"/api/movies/?genre={genre}&ordering=-avg_rating",
        f"/api/movies/{movie}/",
        f"/api/movies/{fixture['quiet_movie']}/",
        f"/api/movies/{movie}/reviews/",
        f"/api/movies/{movie}/similar/",
        f"/api/movies/{movie}/lists/",
        "/api/genres/",
        f"/api/genres/{genre}/",
        "/api/reviews/",
        f"/api/reviews/?user={MEMBER}",
        f"/api/reviews/?movie={movie}",
        f"/api/reviews/{review}/",
        "/api/recommendations/top-rated/",
        "/api/recommendations/trending/",
        "/api/recommendations/most-reviewed/",
        "/api/recommendations/recent/",
        "/api/recommendations/dashboard/",
        f"/api/recommendations/by-genre/{genre}/",
        f"/api/users/{MEMBER}/",
        f"/api/users/{MEMBER}/diary/",
        f"/api/users/{MEMBER}/watchlist/",
        f"/api/users/{MEMBER}/followers/",
        f"/api/users/{MEMBER}/following/",
        f"/api/lists/?user={MEMBER}",
        "/",
        "/films/",
        "/films/?q=kalo",
        f"/films/{movie}/",
        f"/people/{MEMBER}/",
    ]
    personal = [
        "/api/recommendations/for-you/",
        "/api/feed/",
        "/api/notifications/",
        "/api/users/me/",
        "/api/lists/",
        "/",
    ]
    return [(path, False) for path in public] + [(path, True) for path in personal]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--movies", type=int, default=60_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=5_000_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server (no database)")
    parser.add_argument("--database", default="flixreview_scale")
    parser.add_argument("--fresh", action="store_true", help="drop the database and make the catalogue anew")
    parser.add_argument("--rebuild", action="store_true", help="run build_recommendations even if a model is active")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per read")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers under load")
    parser.add_argument("--max-cold-ms", type=float, default=30.0)
    parser.add_argument("--skip-load", action="store_true", help="only the cold requests")
    parser.add_argument("--port", type=int, default=8769)
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "scale"))
    return parser.parse_args()


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    return server_env(
        DATABASE_URL=f"{args.postgres}/{args.database}",
        RESPONSE_CACHE_SECONDS="0",
        RECOMMENDATIONS_CACHE_SECONDS="0",
        JWT_ACCESS_MINUTES="240",
        RECOMMENDER_MODEL_DIR=str(Path(args.output) / "models"),
    )


def manage(env: dict[str, str], *args: str, capture: bool = False) -> dict:
    """Run a management command; its time, peak memory (MB) and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of the children is the largest of any child so far: a smaller later one reads as the earlier peak.
    return {"seconds": round(seconds, 1), "peak_mb": round(peak / 1024) if peak > before else None,
            "output": result.stdout if capture else ""}  # fmt: skip


def database_has_catalogue(args: argparse.Namespace) -> bool:
    try:
        with psycopg.connect(f"{args.postgres}/{args.database}") as connection:
            reviews = connection.execute("SELECT reltuples FROM pg_class WHERE relname = 'reviews_review'").fetchone()
            return bool(reviews) and reviews[0] >= 0.9 * args.reviews
    except psycopg.OperationalError:
        return False


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict:
    steps: dict = {}
    if args.fresh or not database_has_catalogue(args):
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{args.database}"')
        manage(env, "migrate", "--noinput", "-v0")
        sizes = ["--movies", str(args.movies), "--users", str(args.users), "--reviews", str(args.reviews)]
        steps["generate_synthetic_catalogue"] = manage(env, "generate_synthetic_catalogue", *sizes)
    else:
        manage(env, "migrate", "--noinput", "-v0")
    model_dir = Path(env["RECOMMENDER_MODEL_DIR"])
    if args.rebuild or not any(model_dir.glob("*")):
        steps["build_recommendations"] = manage(env, "build_recommendations", "-v0")
    for step, figures in steps.items():
        print(f"{step}: {figures['seconds']} s, peak {figures['peak_mb']} MB", flush=True)
    steps["fixture"] = json.loads(manage(env, "shell", "-v0", "-c", FIXTURE_SNIPPET.format(member=MEMBER),
                                         capture=True)["output"].strip().splitlines()[-1])  # fmt: skip
    return steps


def start_server(args: argparse.Namespace, env: dict[str, str], workers: int) -> subprocess.Popen:
    env = {**env, "GUNICORN_WORKERS": str(workers), "PORT": str(args.port), "LOG_LEVEL": "WARNING"}
    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "config.wsgi:application"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wait_until_up(f"http://127.0.0.1:{args.port}/health/")
    return server


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def timed_get(url: str, token: str | None) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def beat(env: dict[str, str], stopped: threading.Event) -> None:
    """What beat does for a deployment: rank the popular lists again every POPULAR_FIGURES_REFRESH_SECONDS."""
    while not stopped.wait(POPULAR_FIGURES_REFRESH_SECONDS):
        manage(env, "refresh_popular_figures")


def measure(args: argparse.Namespace, env: dict[str, str], fixture: dict, workers: int, one_read) -> dict:
    """``one_read(url, token)`` for `/health/` and every read, on a server of ``workers`` workers started for it,
    with beat's periodic work running beside it."""
    manage(env, "refresh_popular_figures")
    stopped = threading.Event()
    beating = threading.Thread(target=beat, args=(env, stopped), daemon=True)
    beating.start()
    server = start_server(args, env, workers=workers)
    results = {}
    try:
        for path, as_member in [("/health/", False), *reads(fixture)]:
            name = f"{path} (member)" if as_member else path
            results[name] = one_read(f"http://127.0.0.1:{args.port}{path}", fixture["token"] if as_member else None)
            print(f"{name:58s} {results[name]}", flush=True)
    finally:
        stop(server)
        stopped.set()
        beating.join()
    return results


def cold(args: argparse.Namespace, env: dict[str, str], fixture: dict) -> dict:
    """Each read twice, the first time the server sees a request of its kind: one worker, so it is cold."""

    def twice(url: str, token: str | None) -> dict:
        (first_status, first), (second_status, second) = timed_get(url, token), timed_get(url, token)
        return {"status": [first_status, second_status], "first_ms": round(first, 1), "second_ms": round(second, 1)}

    return measure(args, env, fixture, 1, twice)


def loaded(args: argparse.Namespace, env: dict[str, str], fixture: dict) -> dict:
    def under_load(url: str, token: str | None) -> dict:
        run_wrk(url, args, duration=1, token=token)  # warm up
        return run_wrk(url, args, duration=args.duration, token=token, timeout=10)

    return measure(args, env, fixture, args.workers, under_load)


def targets_missed(args: argparse.Namespace, cold_results: dict, load_results: dict) -> list[str]:
    missed = []
    for name, row in cold_results.items():
        if row["status"] != [200, 200]:
            missed.append(f"{name}: answered {row['status']}")
        elif min(row["first_ms"], row["second_ms"]) > args.max_cold_ms:
            missed.append(f"{name}: {row['first_ms']} / {row['second_ms']} ms cold (> {args.max_cold_ms:.0f} ms)")
    if load_results:
        health = load_results["/health/"]
        for name, row in load_results.items():
            share = row["requests_per_second"] / health["requests_per_second"]
            ratio = row["p99_ms"] / health["p99_ms"]
            row.update(share_of_health=round(share, 3), p99_ratio_to_health=round(ratio, 2))
            if row["non_2xx"] or row["socket_errors"]:
                missed.append(f"{name}: {row['non_2xx']} non-2xx under load, {row['socket_errors']}")
            if share < MIN_SHARE_OF_HEALTH or ratio > MAX_P99_RATIO:
                missed.append(f"{name}: {share:.0%} of /health/ req/s, p99 {ratio:.1f}x under load")
    return missed


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (or brew install wrk)")
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    env = bench_env(args)
    steps = prepare(args, env)
    fixture = steps.pop("fixture")
    print("\ncold: first and second request, one worker", flush=True)
    cold_results = cold(args, env, fixture)
    load_results = {}
    if not args.skip_load:
        print(f"\nunder load: {args.connections} connections, {args.workers} workers, {args.duration} s", flush=True)
        load_results = loaded(args, env, fixture)
    missed = targets_missed(args, cold_results, load_results)
    report = {"steps": steps, "cold": cold_results, "load": load_results, "missed": missed}
    (output / "scale.json").write_text(json.dumps(report, indent=2))
    print("\nall targets met" if not missed else "\ntargets missed:\n  " + "\n  ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
