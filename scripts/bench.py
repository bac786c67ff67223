"""Load benchmark: import MovieLens 100k into a fresh SQLite database, serve it with gunicorn on
127.0.0.1 and drive each hot endpoint with wrk. Prints req/s and p99 per endpoint and checks the
targets: every read a visitor makes (API and site pages, cacheable) >= 25% of /health/'s req/s with p99 <= 50 ms,
import < 20 s. A member's reads are personal, computed on every request: they are measured and reported, and
held to no share (no 2xx answer is still a failure).

    python scripts/bench.py --dataset ../shared/data/ml-100k [--duration 15] [--connections 16]
"""

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from loadtest import run_wrk, server_env, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENDPOINTS = [
    "/health/",
    "/api/movies/",
    "/api/movies/1/",
    "/api/movies/1/reviews/",
    "/api/reviews/",
    "/api/recommendations/top-rated/",
    "/api/recommendations/trending/",
    "/api/recommendations/most-reviewed/",
    "/api/recommendations/dashboard/",
    # A member's pages (scripts/bench_activity.py gives ml_1 a diary, a watchlist, likes and more).
    "/api/users/ml_1/",
    "/api/users/ml_1/diary/",
    "/api/users/ml_1/watchlist/",
    # The site's pages as a visitor sees them.
    "/",
    "/films/",
    "/films/1/",
    "/people/ml_1/",
]
# Read as ml_1, with an access token: their own lists, and the catalogue with their ``viewer`` state.
LOGGED_IN_ENDPOINTS = [
    "/api/diary/",
    "/api/watchlist/",
    "/api/recommendations/dismissed/",
    "/api/movies/",
    "/api/movies/1/",
    "/api/recommendations/top-rated/",
]
# Read as ml_1 with a site session: home with their recommendations and friends, and the pages with their controls.
SESSION_PAGES = ["/", "/films/", "/films/1/", "/people/ml_1/"]
MIN_SHARE_OF_HEALTH = 0.25
MAX_P99_MS = 50.0
MAX_IMPORT_SECONDS = 20.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared" / "data" / "ml-100k"))
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", default=str(ROOT / "bench-results"))
    parser.add_argument("--reuse-db", action="store_true", help="skip the fresh import and reuse the last database")
    parser.add_argument(
        "--response-cache-seconds",
        type=int,
        default=None,
        help="RESPONSE_CACHE_SECONDS for the server (0 measures the uncached read path); default: the setting's",
    )
    return parser.parse_args()


def bench_env(db_path: Path, response_cache_seconds: int | None) -> dict[str, str]:
    env = server_env(SQLITE_PATH=str(db_path), RECOMMENDER_MODEL_DIR=str(db_path.parent / "recommender"))
    if response_cache_seconds is not None:
        env["RESPONSE_CACHE_SECONDS"] = str(response_cache_seconds)
    return env


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (or brew install wrk)")
    output_dir = Path(args.output)
    output_dir.mkdir(parents=True, exist_ok=True)
    db_path = output_dir / "bench.sqlite3"
    env = bench_env(db_path, args.response_cache_seconds)

    import_seconds = None
    if not args.reuse_db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        manage(env, "migrate", "--noinput", "-v0")
        import_seconds = manage(env, "import_movielens", args.dataset)
        print(f"import_movielens: {import_seconds:.1f} s")
        # The member's home page serves their recommendations from a built model, as `make run` does.
        print(f"build_recommendations: {manage(env, 'build_recommendations', '-v0'):.1f} s")

    setup = [str(BIN / "python"), "scripts/bench_activity.py"]
    member = subprocess.run(setup, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    token, cookie = member.split()[-2:]
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--config", "/dev/null"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    results = {}
    try:
        wait_until_up(base + "/health/")
        runs = [(path, path, {}) for path in ENDPOINTS]
        runs += [(f"{path} (logged in)", path, {"token": token}) for path in LOGGED_IN_ENDPOINTS]
        runs += [(f"{path} (site session)", path, {"cookie": cookie}) for path in SESSION_PAGES]
        for name, path, as_member in runs:
            run_wrk(base + path, args, duration=2, **as_member)  # warm caches and connections
            results[name] = row = run_wrk(base + path, args, duration=args.duration, **as_member)
            print(f"{name:52s} {row['requests_per_second']:9.1f} req/s   p99 {row['p99_ms']:7.2f} ms", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    return report(results, import_seconds, args, output_dir)


def report(results: dict, import_seconds: float | None, args: argparse.Namespace, output_dir: Path) -> int:
    health = results["/health/"]["requests_per_second"]
    failures = []
    print(f"\n{'endpoint':52s} {'req/s':>9s} {'% health':>9s} {'p99 ms':>8s} {'non-2xx':>8s}")
    for path, row in results.items():
        share = row["requests_per_second"] / health
        print(f"{path:52s} {row['requests_per_second']:9.1f} {share:9.0%} {row['p99_ms']:8.2f} {row['non_2xx']:8d}")
        if row["non_2xx"] or row["socket_errors"]:
            failures.append(f"{path}: {row['non_2xx']} non-2xx responses, socket errors: {row['socket_errors']}")
        if path not in ENDPOINTS:  # a member's read: reported only
            continue
        if share < MIN_SHARE_OF_HEALTH:
            failures.append(f"{path}: {share:.0%} of /health/ req/s (< {MIN_SHARE_OF_HEALTH:.0%})")
        if row["p99_ms"] > MAX_P99_MS:
            failures.append(f"{path}: p99 {row['p99_ms']:.1f} ms (> {MAX_P99_MS:.0f} ms)")
    if import_seconds is not None:
        print(f"\nimport_movielens (SQLite): {import_seconds:.1f} s (target < {MAX_IMPORT_SECONDS:.0f} s)")
        if import_seconds > MAX_IMPORT_SECONDS:
            failures.append(f"import took {import_seconds:.1f} s")
    summary = {
        "connections": args.connections,
        "duration_s": args.duration,
        "gunicorn_workers": args.workers,
        "response_cache_seconds": args.response_cache_seconds,
        "import_seconds": import_seconds,
        "endpoints": results,
        "failures": failures,
    }
    (output_dir / "bench.json").write_text(json.dumps(summary, indent=2))
    print("\nall targets met" if not failures else "\ntargets missed:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
