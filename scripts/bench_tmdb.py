"""TMDB import at scale: serve a dataset from the fake TMDB on 127.0.0.1, migrate a fresh SQLite database and run
`import_popular_movies` over the whole popular list at the client's rate limit. Reports the wall time against the
rate-limit floor ((list pages + detail calls + 1 configuration call) / rate) and checks what landed in the database.

    python scripts/bench_tmdb.py --dataset ../shared/data/tmdb-5000/movies.jsonl [--pages 241] [--workers 8]

Exit status 1 when the database or the request counts are not what the dataset implies, or the wall time is more
than --tolerance (default 20%) over the floor.
"""

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from imports.tmdb.types import MovieDetails  # noqa: E402
from tests.fake_tmdb import DEFAULT_TOKEN, MAX_PAGE, PAGE_SIZE, load_movies  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared" / "data" / "tmdb-5000" / "movies.jsonl"))
    parser.add_argument("--pages", type=int, default=None, help="list pages to walk (default: the whole list)")
    parser.add_argument("--list", default="popular", choices=["popular", "top_rated"])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rate", type=float, default=40, help="TMDB_RATE_LIMIT, requests per second")
    parser.add_argument("--tolerance", type=float, default=0.20, help="allowed wall time over the floor")
    parser.add_argument("--output", default=str(ROOT / "bench-results"))
    return parser.parse_args()


def expected_counts(movies: list[dict], list_name: str, pages: int) -> dict[str, int]:
    """What the database must hold after importing the first `pages` pages of the list (as the fake orders it)."""
    key = (lambda m: (-(m.get("popularity") or 0), m["id"])) if list_name == "popular" else None
    if key is None:
        key = lambda m: (-(m.get("vote_average") or 0), -(m.get("vote_count") or 0), m["id"])  # noqa: E731
    listed = sorted(movies, key=key)[: pages * PAGE_SIZE]
    details = [MovieDetails.from_api(movie) for movie in listed]
    return {
        "movies": len(details),
        "with_genres": sum(bool(d.genres) for d in details),
        "with_keywords": sum(bool(d.keywords) for d in details),
        "with_cast": sum(bool(d.cast) for d in details),
        "with_directors": sum(bool(d.directors) for d in details),
    }


def database_counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:

        def one(sql: str) -> int:
            return db.execute(sql).fetchone()[0]

        return {
            "movies": one("SELECT COUNT(*) FROM movies_movie WHERE tmdb_id IS NOT NULL"),
            "with_genres": one("SELECT COUNT(DISTINCT movie_id) FROM movies_movie_genres"),
            "with_keywords": one("SELECT COUNT(*) FROM movies_movie WHERE json_array_length(keywords) > 0"),
            "with_cast": one('SELECT COUNT(*) FROM movies_movie WHERE json_array_length("cast") > 0'),
            "with_directors": one("SELECT COUNT(*) FROM movies_movie WHERE json_array_length(directors) > 0"),
            "genres": one("SELECT COUNT(*) FROM movies_genre"),
        }


def start_fake_tmdb(dataset: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    log = open(log_path, "w")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "tests.fake_tmdb", "--movies", dataset, "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = server.stdout.readline()  # "fake TMDB: N movies at http://127.0.0.1:PORT/3 (...)"
    if " at http://" not in line:
        server.kill()
        raise SystemExit(f"the fake TMDB did not start: {line!r} (see {log_path})")
    return server, line.split(" at ", 1)[1].split()[0]


def main() -> int:
    args = parse_args()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    db_path = output / "tmdb.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)

    movies = load_movies(args.dataset)
    pages = args.pages or min(math.ceil(len(movies) / PAGE_SIZE), MAX_PAGE)
    expected = expected_counts(movies, args.list, pages)

    server, base_url = start_fake_tmdb(args.dataset, output / "fake-tmdb.log")
    stats_url = base_url.rsplit("/3", 1)[0] + "/__fake__/stats"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TMDB_API_KEY"}
    }
    env.update(
        DJANGO_ENV="development",
        SQLITE_PATH=str(db_path),
        MEDIA_ROOT=str(output / "media"),
        LOG_LEVEL="WARNING",
        TMDB_API_BASE_URL=base_url,
        TMDB_API_TOKEN=DEFAULT_TOKEN,
        TMDB_RATE_LIMIT=f"{args.rate:g}",
        TMDB_DOWNLOAD_POSTERS="false",
    )
    try:
        subprocess.run(
            [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        command = ["import_popular_movies", "--pages", str(pages), "--list", args.list, "--workers", str(args.workers)]
        print(f"fake TMDB at {base_url}: {len(movies)} movies; running manage.py {' '.join(command)}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([str(BIN / "python"), "manage.py", *command], cwd=ROOT, env=env)
        wall = time.perf_counter() - started
        with urllib.request.urlopen(stats_url, timeout=5) as response:
            stats = json.load(response)
    finally:
        server.terminate()
        server.wait(timeout=10)

    by_path = stats["by_path"]
    list_requests = by_path.get(f"/movie/{args.list}", 0)
    detail_requests = {path: n for path, n in by_path.items() if path.startswith("/movie/") and path[7:].isdigit()}
    requests_made = stats["total"]
    floor = (pages + expected["movies"] + 1) / args.rate
    found = database_counts(db_path)
    problems = []
    if result.returncode != 0:
        problems.append(f"import_popular_movies exited with {result.returncode}")
    for key, value in expected.items():
        if found[key] != value:
            problems.append(f"{key}: {found[key]} in the database, {value} expected")
    if list_requests != pages:
        problems.append(f"{list_requests} list page requests, {pages} expected")
    if len(detail_requests) != expected["movies"] or any(n != 1 for n in detail_requests.values()):
        repeated = sum(1 for n in detail_requests.values() if n != 1)
        problems.append(f"{len(detail_requests)} movies requested ({repeated} more than once), {expected['movies']}")
    if by_path.get("/configuration", 0) != 1:
        problems.append(f"/configuration requested {by_path.get('/configuration', 0)} times, 1 expected")
    if wall > floor * (1 + args.tolerance):
        problems.append(f"wall time {wall:.1f}s is more than {args.tolerance:.0%} over the floor {floor:.1f}s")

    report = {
        "dataset": args.dataset,
        "list": args.list,
        "pages": pages,
        "workers": args.workers,
        "rate_limit": args.rate,
        "wall_seconds": round(wall, 2),
        "floor_seconds": round(floor, 2),
        "over_floor": round(wall / floor - 1, 4),
        "requests": requests_made,
        "requests_per_second": round(requests_made / wall, 2),
        "database": found,
        "expected": expected,
        "problems": problems,
    }
    (output / "tmdb.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\n{args.list}: {pages} pages, {expected['movies']} movies, {args.workers} workers, {args.rate:g} req/s\n"
        f"wall time {wall:.1f}s; rate-limit floor {floor:.1f}s ({pages} pages + {expected['movies']} movies + "
        f"1 configuration = {pages + expected['movies'] + 1} requests); {wall / floor - 1:+.1%} over the floor\n"
        f"requests served: {requests_made} ({requests_made / wall:.1f}/s)\n"
        f"database: {found['movies']} movies, {found['with_genres']} with >= 1 genre, {found['with_keywords']} with "
        f"keywords, {found['with_cast']} with cast, {found['with_directors']} with directors, {found['genres']} genres"
    )
    print(f"written to {output / 'tmdb.json'}")
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
