"""Recommender benchmark: build time, and for-you / similar / by-genre latency under load, on MovieLens 100k and
on a synthetic catalogue of 20,000 movies and 1,000,000 reviews (where the item-kNN switch takes over).

For each dataset: a fresh SQLite database, the import (import_movielens, or generate_synthetic_catalogue),
`manage.py build_recommendations` timed from the outside, JWT access tokens for --tokens random reviewers, then
gunicorn (--workers sync workers) on 127.0.0.1 driven by wrk with a Lua script that picks a random user, movie
or genre for every request. Each endpoint runs twice: with the response cache (RECOMMENDATIONS_CACHE_SECONDS=60)
and without it (=0, every request computed). Prints req/s and p99 per run, each worker's memory, and checks the
targets: p99 <= 20 ms, build <= 5 s on MovieLens 100k.

    python scripts/bench_recommendations.py [--dataset ../shared/data/ml-100k] [--duration 15] [--skip-synthetic]
"""

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from loadtest import run_wrk, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_P99_MS = 20.0
MAX_BUILD_SECONDS = 5.0
ENDPOINTS = ("for-you", "similar", "by-genre")

# Runs in `manage.py shell`: tokens for random reviewers, every movie id, every genre slug, as one JSON line.
FIXTURE_SNIPPET = """
import json, random
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import AccessToken
from movies.models import Genre, Movie
random.seed(7)
reviewers = list(get_user_model().objects.filter(reviews__isnull=False).distinct().values_list("pk", flat=True))
chosen = get_user_model().objects.filter(pk__in=random.sample(reviewers, min({tokens}, len(reviewers))))
print(json.dumps({{
    "tokens": [str(AccessToken.for_user(user)) for user in chosen],
    "movies": list(Movie.objects.values_list("pk", flat=True)),
    "genres": list(Genre.objects.filter(movies__isnull=False).distinct().values_list("slug", flat=True)),
}}))
"""

MEMORY_SNIPPET = """
from recommendations.serving import served_model
model = served_model()
print(model.nbytes if model else 0)
"""

LUA = """
local tokens = {tokens}
local movies = {movies}
local genres = {genres}
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
  local path
  if endpoint == "for-you" then
    path = "/api/recommendations/for-you/"
  elseif endpoint == "similar" then
    path = "/api/movies/" .. movies[math.random(#movies)] .. "/similar/"
  else
    path = "/api/recommendations/by-genre/" .. genres[math.random(#genres)] .. "/"
  end
  return wrk.format("GET", path, {{["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}})
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared" / "data" / "ml-100k"))
    parser.add_argument("--synthetic-movies", type=int, default=20_000)
    parser.add_argument("--synthetic-reviews", type=int, default=1_000_000)
    parser.add_argument("--synthetic-users", type=int, default=20_000)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--skip-movielens", action="store_true")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint and cache mode")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-threads", type=int, default=1, help="threads per worker; above 1 gunicorn uses gthread (keep-alive)"
    )
    parser.add_argument("--tokens", type=int, default=1000, help="distinct users the load logs in as")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "recommendations"))
    parser.add_argument("--reuse-db", action="store_true", help="reuse the last databases and models")
    return parser.parse_args()


def bench_env(workdir: Path, name: str, cache_seconds: int = 60) -> dict[str, str]:
    return server_env(
        SQLITE_PATH=str(workdir / f"{name}.sqlite3"),
        RECOMMENDER_MODEL_DIR=str(workdir / f"{name}-models"),
        RECOMMENDATIONS_CACHE_SECONDS=str(cache_seconds),
        JWT_ACCESS_MINUTES="240",
    )


def manage(env: dict[str, str], *args: str, capture: bool = False) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    return time.perf_counter() - started, result.stdout if capture else ""


def prepare(name: str, args: argparse.Namespace, workdir: Path) -> dict:
    env = bench_env(workdir, name)
    result: dict = {}
    if not args.reuse_db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{env['SQLITE_PATH']}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(env["RECOMMENDER_MODEL_DIR"], ignore_errors=True)
        manage(env, "migrate", "--noinput", "-v0")
        if name == "movielens":
            result["import_seconds"], _ = manage(env, "import_movielens", args.dataset, "-v0")
        else:
            result["import_seconds"], _ = manage(
                env,
                "generate_synthetic_catalogue",
                "--movies", str(args.synthetic_movies),
                "--reviews", str(args.synthetic_reviews),
                "--users", str(args.synthetic_users),
                "-v0",
            )  # fmt: skip
        print(f"[{name}] import: {result['import_seconds']:.1f} s", flush=True)
        result["build_seconds"], output = manage(env, "build_recommendations", "-v2", capture=True)
        result["build_output"] = output.strip()
        print(f"[{name}] build_recommendations: {result['build_seconds']:.2f} s wall\n{output.strip()}", flush=True)
    _, fixture = manage(env, "shell", "-v0", "-c", FIXTURE_SNIPPET.format(tokens=args.tokens), capture=True)
    result["fixture"] = json.loads(fixture.strip().splitlines()[-1])
    _, nbytes = manage(env, "shell", "-v0", "-c", MEMORY_SNIPPET, capture=True)
    result["model_mb"] = int(nbytes.strip().splitlines()[-1]) / 1e6
    return result


def lua_script(path: Path, fixture: dict, endpoint: str) -> Path:
    def table(values) -> str:
        return "{" + ",".join(json.dumps(value) for value in values) + "}"

    path.write_text(
        LUA.format(
            tokens=table(fixture["tokens"]),
            movies=table(fixture["movies"]),
            genres=table(fixture["genres"]),
            endpoint=endpoint,
        )
    )
    return path


def worker_memory_mb(master_pid: int) -> list[dict]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    workers = []
    for pid in children:
        rss = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
        pss = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.MULTILINE)
        workers.append({"pid": int(pid), "rss_mb": int(rss.group(1)) / 1024, "pss_mb": int(pss.group(1)) / 1024})
    return workers


def serve_and_load(name: str, prepared: dict, args: argparse.Namespace, workdir: Path, cache_seconds: int) -> dict:
    env = bench_env(workdir, name, cache_seconds)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(args.workers),
         "--threads", str(args.worker_threads),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--config", "/dev/null"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    results: dict = {}
    try:
        wait_until_up(base + "/health/")
        results["memory_before"] = worker_memory_mb(server.pid)
        # The ceiling of this machine and server for a request that does almost nothing (one DB round trip).
        run_wrk(base + "/health/", args, duration=2)
        results["health"] = run_wrk(base + "/health/", args, duration=args.duration)
        health = results["health"]
        print(
            f"[{name}, cache {cache_seconds:>2d} s] /health/  {health['requests_per_second']:8.1f} req/s   "
            f"p50 {health['p50_ms']:6.2f} ms   p99 {health['p99_ms']:6.2f} ms",
            flush=True,
        )
        for endpoint in ENDPOINTS:
            script = lua_script(workdir / f"{name}-{endpoint}.lua", prepared["fixture"], endpoint)
            run_wrk(base, args, duration=2, script=script)  # warm up: model loaded, connections, caches
            row = run_wrk(base, args, duration=args.duration, script=script)
            results[endpoint] = row
            print(
                f"[{name}, cache {cache_seconds:>2d} s] {endpoint:9s} {row['requests_per_second']:8.1f} req/s   "
                f"p50 {row['p50_ms']:6.2f} ms   p99 {row['p99_ms']:6.2f} ms   non-2xx {row['non_2xx']}",
                flush=True,
            )
        results["memory_after"] = worker_memory_mb(server.pid)
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
    skipped = {"movielens": args.skip_movielens, "synthetic": args.skip_synthetic}
    datasets = [name for name, skip in skipped.items() if not skip]
    report: dict = {
        "connections": args.connections,
        "duration_s": args.duration,
        "workers": args.workers,
        "worker_threads": args.worker_threads,
    }
    failures = []
    for name in datasets:
        prepared = prepare(name, args, workdir)
        runs = {seconds: serve_and_load(name, prepared, args, workdir, seconds) for seconds in (60, 0)}
        report[name] = {key: value for key, value in prepared.items() if key != "fixture"} | {"runs": runs}
        for seconds, run in runs.items():
            for endpoint in ENDPOINTS:
                row = run[endpoint]
                if row["p99_ms"] > MAX_P99_MS:
                    failures.append(f"{name} {endpoint} (cache {seconds} s): p99 {row['p99_ms']:.1f} ms")
                if row["non_2xx"] or row["socket_errors"]:
                    errors = f"{row['non_2xx']} non-2xx, socket errors {row['socket_errors']}"
                    failures.append(f"{name} {endpoint}: {errors}")
        if name == "movielens" and prepared.get("build_seconds", 0) > MAX_BUILD_SECONDS:
            failures.append(f"movielens build {prepared['build_seconds']:.2f} s (> {MAX_BUILD_SECONDS:.0f} s)")
        print_summary(name, report[name])
    report["failures"] = failures
    (workdir / "bench.json").write_text(json.dumps(report, indent=2))
    print("\nall targets met" if not failures else "\ntargets missed:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


def print_summary(name: str, result: dict) -> None:
    print(f"\n== {name} ==")
    if "build_seconds" in result:
        print(f"import {result['import_seconds']:.1f} s; build_recommendations {result['build_seconds']:.2f} s (wall)")
    print(f"served model in memory: {result['model_mb']:.1f} MB per worker")
    print(f"{'cache':>6s} {'endpoint':10s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'non-2xx':>8s}")
    for seconds, run in result["runs"].items():
        for endpoint in ("health", *ENDPOINTS):
            row = run[endpoint]
            print(
                f"{seconds:>5d}s {endpoint:10s} {row['requests_per_second']:8.1f} {row['p50_ms']:8.2f} "
                f"{row['p99_ms']:8.2f} {row['non_2xx']:8d}"
            )
        before = ", ".join(f"{worker['rss_mb']:.0f}" for worker in run["memory_before"])
        after = ", ".join(f"{worker['rss_mb']:.0f} (PSS {worker['pss_mb']:.0f})" for worker in run["memory_after"])
        print(f"       worker RSS MB at start: {before}; after the load: {after}")


if __name__ == "__main__":
    sys.exit(main())
