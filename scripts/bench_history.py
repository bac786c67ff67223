"""History import figures: a synthetic Letterboxd export imported by `manage.py import_history` into a fresh SQLite
database whose catalogue holds TMDB_DATASET's films, except a reserved set that only the fake TMDB knows.

    python scripts/bench_history.py --dataset ../shared/data/tmdb-5000/movies.jsonl

1. local:  a 2,000-row export whose films are all in the catalogue (target: at most 10 s, Django's start included)
2. tmdb:   an export of 500 films that must be found on the fake TMDB (search by name and year, then imported with
           credits and keywords) at 40 req/s (target: within 1.2x the rate limit's floor, requests / rate)
3. memory: peak memory (max RSS) of the import process for the 2,000-row export against a 20,000-row one

Exit status 1 when a target is missed or the database is not what the exports imply.
"""

import argparse
import csv
import datetime
import io
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests.fake_tmdb import DEFAULT_TOKEN, load_movies  # noqa: E402

SHARES = (("ratings", 0.35), ("diary", 0.25), ("watched", 0.2), ("watchlist", 0.1), ("likes", 0.05), ("list", 0.05))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared" / "data" / "tmdb-5000" / "movies.jsonl"))
    parser.add_argument("--rows", type=int, default=2000, help="rows of the local export")
    parser.add_argument("--tmdb-films", type=int, default=500, help="films of the export that only TMDB has")
    parser.add_argument("--memory-rows", type=int, default=20000, help="rows of the larger export (memory)")
    parser.add_argument("--rate", type=float, default=40, help="TMDB_RATE_LIMIT, requests per second")
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "history"))
    return parser.parse_args()


def film_year(movie: dict) -> int | None:
    date = movie.get("release_date") or ""
    return int(date[:4]) if date[:4].isdigit() else None


def split_dataset(movies: list[dict], reserved: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """(catalogue films, films only TMDB has). The reserved ones have a title and year no other film shares."""
    from imports.history.matching import normalise_title

    keys: dict[tuple[str, int | None], int] = {}
    for movie in movies:
        key = (normalise_title(movie.get("title") or ""), film_year(movie))
        keys[key] = keys.get(key, 0) + 1
    unique = [m for m in movies if film_year(m) and keys[(normalise_title(m.get("title") or ""), film_year(m))] == 1]
    chosen = {m["id"] for m in random.Random(seed).sample(unique, reserved)}
    return [m for m in movies if m["id"] not in chosen], [m for m in movies if m["id"] in chosen]


def letterboxd_zip(films: list[dict], rows: int, seed: int = 1) -> bytes:
    """A Letterboxd export of ``rows`` rows over ``films``, shared between its files as SHARES says."""
    rng = random.Random(seed)
    start = datetime.date(2015, 1, 1)
    files: dict[str, list[list[str]]] = {name: [] for name, _ in SHARES}
    for number in range(rows):
        name = SHARES[-1][0]
        point, total = (number * 0.618034) % 1, 0.0
        for candidate, share in SHARES:
            total += share
            if point < total:
                name = candidate
                break
        movie = films[len(files[name]) % len(films)]
        day = start + datetime.timedelta(days=rng.randrange(3600))
        base = [day.isoformat(), movie["title"], str(film_year(movie) or ""), f"https://boxd.it/f{movie['id']}"]
        rating = str(rng.randrange(1, 11) / 2)
        if name == "ratings":
            files[name].append([*base, rating])
        elif name == "diary":
            files[name].append([*base[:3], f"https://boxd.it/e{number}", rating, "", "", day.isoformat()])
        elif name == "list":
            files[name].append([str(len(files[name]) + 1), *base[1:], ""])
        else:
            files[name].append(base)
    return zip_files(files)


def zip_files(files: dict[str, list[list[str]]]) -> bytes:
    headers = {
        "ratings": "Date,Name,Year,Letterboxd URI,Rating",
        "diary": "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date",
        "watched": "Date,Name,Year,Letterboxd URI",
        "watchlist": "Date,Name,Year,Letterboxd URI",
        "likes": "Date,Name,Year,Letterboxd URI",
    }
    paths = {"likes": "likes/films.csv", "list": "lists/benchmark.csv"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            if name == "list":
                text.write("Letterboxd list export v7\nDate,Name,Tags,URL,Description\n")
                text.write("2024-01-01,Benchmark,,https://boxd.it/l1,A list\n\nPosition,Name,Year,URL,Description\n")
            else:
                text.write(headers[name] + "\n")
            writer.writerows(rows)
            archive.writestr(paths.get(name, f"{name}.csv"), text.getvalue())
    return buffer.getvalue()


def django_env(output: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TMDB_API_KEY", "TMDB_API_TOKEN"}
    }
    env.update(
        DJANGO_ENV="development",
        SQLITE_PATH=str(output / "history.sqlite3"),
        MEDIA_ROOT=str(output / "media"),
        LOG_LEVEL="WARNING",
        TMDB_DOWNLOAD_POSTERS="false",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """Run manage.py; (wall seconds, peak RSS in MB, stdout). Exits when it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed ({process.returncode}):\n{out}")
    return wall, usage.ru_maxrss // 1024, out


def django_setup(env: dict[str, str]) -> None:
    """Django in this process, on the benchmark's database (it seeds the catalogue and makes the members)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def seed(catalogue: list[dict]) -> None:
    """The catalogue's films and the benchmark's members."""
    from django.contrib.auth import get_user_model

    from movies.models import Movie

    Movie.objects.bulk_create(
        [
            Movie(title=(m.get("title") or "")[:255], tmdb_id=m["id"], release_date=m.get("release_date") or None)
            for m in catalogue
        ],
        batch_size=1000,
    )
    for name in ("bench_local", "bench_tmdb", "bench_memory_small", "bench_memory_large"):
        get_user_model().objects.create_user(name)


def start_fake_tmdb(dataset: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    log = open(log_path, "w")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "tests.fake_tmdb", "--movies", dataset, "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if " at http://" not in line:
        server.kill()
        raise SystemExit(f"the fake TMDB did not start: {line!r} (see {log_path})")
    return server, line.split(" at ", 1)[1].split()[0]


def summary(out: str) -> dict[str, int]:
    """The counts from import_history's summary line."""
    line = next(line for line in out.splitlines() if " rows; " in line)
    numbers = [
        int(word) for word in line.replace(",", " ").replace(";", " ").replace(".", " ").split() if word.isdigit()
    ]
    return dict(
        zip(("job", "rows", "matched", "imported", "already_present", "unmatched", "skipped"), numbers, strict=False)
    )


def import_file(env: dict[str, str], output: Path, name: str, user: str, data: bytes) -> tuple[float, int, dict]:
    path = output / f"{name}.zip"
    path.write_bytes(data)
    wall, rss, out = manage(env, "import_history", "--user", user, str(path))
    return wall, rss, summary(out)


def main() -> int:
    args = parse_args()
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{output / 'history.sqlite3'}{suffix}").unlink(missing_ok=True)
    movies = load_movies(args.dataset)
    django_setup(django_env(output, {}))
    catalogue, tmdb_only = split_dataset(movies, args.tmdb_films)
    server, base_url = start_fake_tmdb(args.dataset, output / "fake-tmdb.log")
    env = django_env(
        output, {"TMDB_API_BASE_URL": base_url, "TMDB_API_TOKEN": DEFAULT_TOKEN, "TMDB_RATE_LIMIT": f"{args.rate:g}"}
    )
    problems: list[str] = []
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        seed(catalogue)
        local = import_file(env, output, "local", "bench_local", letterboxd_zip(catalogue, args.rows))
        stats_url = base_url.rsplit("/3", 1)[0] + "/__fake__/stats"
        urllib.request.urlopen(urllib.request.Request(base_url.rsplit("/3", 1)[0] + "/__fake__/reset", method="POST"))
        remote_zip = zip_files(
            {
                "watched": [
                    ["2024-01-01", m["title"], str(film_year(m)), f"https://boxd.it/t{m['id']}"] for m in tmdb_only
                ]
            }
        )
        remote = import_file(env, output, "tmdb", "bench_tmdb", remote_zip)
        with urllib.request.urlopen(stats_url, timeout=5) as response:
            stats = json.load(response)
        small = import_file(
            env, output, "memory-small", "bench_memory_small", letterboxd_zip(catalogue, args.rows, seed=2)
        )
        large = import_file(
            env, output, "memory-large", "bench_memory_large", letterboxd_zip(catalogue, args.memory_rows, seed=3)
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    floor = stats["total"] / args.rate
    report = {
        "local": {"rows": args.rows, "seconds": round(local[0], 2), "peak_rss_mb": local[1], "counts": local[2]},
        "tmdb": {
            "films": len(tmdb_only),
            "seconds": round(remote[0], 2),
            "requests": stats["total"],
            "by_path": {
                k: v for k, v in stats["by_path"].items() if not k.startswith("/movie/") or not k[7:].isdigit()
            },
            "detail_requests": sum(
                v for k, v in stats["by_path"].items() if k.startswith("/movie/") and k[7:].isdigit()
            ),
            "floor_seconds": round(floor, 2),
            "ratio_to_floor": round(remote[0] / floor, 3) if floor else None,
            "counts": remote[2],
        },
        "memory": {
            f"{args.rows}_rows_peak_rss_mb": small[1],
            f"{args.memory_rows}_rows_peak_rss_mb": large[1],
            "large_seconds": round(large[0], 2),
            "large_counts": large[2],
        },
    }
    if local[0] > 10:
        problems.append(f"local import took {local[0]:.1f} s (target 10 s)")
    if local[2].get("matched") != args.rows:
        problems.append(f"local import matched {local[2].get('matched')} of {args.rows} rows")
    if remote[2].get("matched") != len(tmdb_only):
        problems.append(f"TMDB import matched {remote[2].get('matched')} of {len(tmdb_only)} films")
    if floor and remote[0] > 1.2 * floor:
        problems.append(f"TMDB import took {remote[0]:.1f} s, over 1.2x the floor {floor:.1f} s")
    if large[1] > small[1] * 1.5:
        problems.append(f"memory grew from {small[1]} MB to {large[1]} MB with the export's size")
    report["problems"] = problems
    (output / "history.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
