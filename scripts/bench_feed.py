"""Activity feed benchmark on PostgreSQL: the feed's first page, a later page (reached through a cursor) and the
movie detail, under the same load in the same run, with the feed's budget checked: p99 at most 3x movie detail's.

A fresh database (--database, on --postgres) gets `generate_synthetic_social` (by default 10,000 members following
100 each and 1,000,000 pieces of activity, timed), then JWT access tokens for --tokens random members, each with
the cursor of their feed's third page. gunicorn (--workers sync workers) serves it on 127.0.0.1 with every read
computed (RESPONSE_CACHE_SECONDS=0: the feed is never cached, so neither is the endpoint it is held against);
wrk drives one endpoint at a time with a Lua script that picks a random member (and their cursor) or movie for
every request. Also prints the plans (EXPLAIN ANALYZE) of a first and a later page's statement.

    python scripts/bench_feed.py [--users 10000 --follows 100 --events 1000000] [--duration 15] [--reuse-db]
"""

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from loadtest import run_wrk, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_RATIO = 3.0
ENDPOINTS = ("movie-detail", "feed-first", "feed-later")

# Runs in `manage.py shell`: tokens and third-page cursors for random members, every movie id, and the plans.
FIXTURE_SNIPPET = """
import json, random
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from core.pagination import KeysetPagination
from feed.selectors import _page_sql, feed_page_ids
from movies.models import Movie
random.seed(7)
members = list(User.objects.filter(username__startswith="social_").values_list("pk", flat=True))
tokens, cursors = [], []
for member in User.objects.filter(pk__in=random.sample(members, min({tokens}, len(members)))):
    position = None
    for _ in range(2):
        picked = feed_page_ids(member, None, position, 21)
        position = picked[19] if len(picked) > 20 else None
    if position is not None:
        tokens.append(str(AccessToken.for_user(member)))
        cursors.append(KeysetPagination.encode_cursor(position))
def plan(member, position):
    params = [member.pk] * 2 + (list(position) if position else []) + [21] + [member.pk] * 3 + [21]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + _page_sql(position is not None, False), params)
        return [row[0] for row in cursor.fetchall()]
member = User.objects.get(pk=members[0])
first = feed_page_ids(member, None, None, 21)
print(json.dumps({{
    "tokens": tokens,
    "cursors": cursors,
    "movies": list(Movie.objects.values_list("pk", flat=True)),
    "plans": {{"first": plan(member, None), "later": plan(member, first[19])}},
}}))
"""

LUA = """
local tokens = {tokens}
local cursors = {cursors}
local movies = {movies}
local endpoint = "{endpoint}"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + 7919 * id)
end

function request()
  if endpoint == "movie-detail" then
    return wrk.format("GET", "/api/movies/" .. movies[math.random(#movies)] .. "/")
  end
  local i = math.random(#tokens)
  local path = "/api/feed/"
  if endpoint == "feed-later" then
    path = path .. "?cursor=" .. cursors[i]
  end
  return wrk.format("GET", path, {{["Authorization"] = "Bearer " .. tokens[i]}})
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server (no database)")
    parser.add_argument("--database", default="flixreview_bench_feed", help="dropped and created anew")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--tokens", type=int, default=1000, help="distinct members the load logs in as")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "feed"))
    parser.add_argument("--reuse-db", action="store_true", help="keep the last run's database and data")
    return parser.parse_args()


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    return server_env(
        DATABASE_URL=f"{args.postgres}/{args.database}",
        RESPONSE_CACHE_SECONDS="0",
        JWT_ACCESS_MINUTES="240",
    )


def manage(env: dict[str, str], *args: str, capture: bool = False) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return time.perf_counter() - started, result.stdout if capture else ""


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict:
    result: dict = {}
    if not args.reuse_db:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
            connection.execute(f'CREATE DATABASE "{args.database}"')
        manage(env, "migrate", "--noinput", "-v0")
        sizes = ["--users", str(args.users), "--follows", str(args.follows), "--events", str(args.events)]
        result["generate_seconds"], _ = manage(env, "generate_synthetic_social", *sizes)
        print(f"generate_synthetic_social: {result['generate_seconds']:.1f} s", flush=True)
    _, fixture = manage(env, "shell", "-v0", "-c", FIXTURE_SNIPPET.format(tokens=args.tokens), capture=True)
    result["fixture"] = json.loads(fixture.strip().splitlines()[-1])
    for page, lines in result["fixture"]["plans"].items():
        print(f"\nplan of the {page} page's statement:\n  " + "\n  ".join(lines), flush=True)
    return result


def lua_script(path: Path, fixture: dict, endpoint: str) -> Path:
    def table(values) -> str:
        return "{" + ",".join(json.dumps(value) for value in values) + "}"

    path.write_text(
        LUA.format(
            tokens=table(fixture["tokens"]),
            cursors=table(fixture["cursors"]),
            movies=table(fixture["movies"]),
            endpoint=endpoint,
        )
    )
    return path


def serve_and_load(args: argparse.Namespace, env: dict[str, str], fixture: dict, workdir: Path) -> dict:
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--config", "/dev/null"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    results: dict = {}
    try:
        wait_until_up(base + "/health/")
        results["health"] = run_wrk(base + "/health/", args, duration=min(args.duration, 5))
        for endpoint in ENDPOINTS:
            script = lua_script(workdir / f"{endpoint}.lua", fixture, endpoint)
            run_wrk(base, args, duration=2, script=script)  # warm up: connections, caches
            results[endpoint] = row = run_wrk(base, args, duration=args.duration, script=script)
            print(
                f"{endpoint:13s} {row['requests_per_second']:8.1f} req/s   p50 {row['p50_ms']:6.2f} ms   "
                f"p99 {row['p99_ms']:6.2f} ms   non-2xx {row['non_2xx']}",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (or brew install wrk)")
    workdir = Path(args.output)
    workdir.mkdir(parents=True, exist_ok=True)
    env = bench_env(args)
    prepared = prepare(args, env)
    print(f"\n{len(prepared['fixture']['tokens'])} members with a third page, {args.connections} connections, "
          f"{args.workers} workers, {args.duration} s per endpoint", flush=True)  # fmt: skip
    results = serve_and_load(args, env, prepared["fixture"], workdir)
    failures = []
    movie_p99 = results["movie-detail"]["p99_ms"]
    for endpoint in ("feed-first", "feed-later"):
        ratio = results[endpoint]["p99_ms"] / movie_p99
        results[endpoint]["p99_ratio_to_movie_detail"] = ratio
        print(f"{endpoint} p99 / movie-detail p99 = {ratio:.2f} (budget {MAX_RATIO:.0f})")
        if ratio > MAX_RATIO:
            failures.append(f"{endpoint}: p99 {ratio:.2f}x movie detail's")
    for endpoint in ENDPOINTS:
        if results[endpoint]["non_2xx"] or results[endpoint]["socket_errors"]:
            failures.append(f"{endpoint}: {results[endpoint]['non_2xx']} non-2xx, {results[endpoint]['socket_errors']}")
    report = {
        "sizes": {"users": args.users, "follows": args.follows, "events": args.events},
        "generate_seconds": prepared.get("generate_seconds"),
        "plans": prepared["fixture"]["plans"],
        "results": results,
        "failures": failures,
    }
    (workdir / "bench.json").write_text(json.dumps(report, indent=2))
    print("\nbudget met" if not failures else "\nbudget missed:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
