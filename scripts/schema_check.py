"""The live API against its own OpenAPI schema (`make schema-check`): Schemathesis with every check, once as a
visitor and once as a logged-in demo member, with a fixed seed and a bounded number of examples per operation.

A fresh SQLite database in a temporary folder gets the demo data (seed_demo); gunicorn serves it with the
development settings and DEBUG off on a free 127.0.0.1 port (Django's runserver cannot read the chunked request
bodies Schemathesis sends). Throttle rates are raised, so that no 429 makes the result depend on timing, and TMDB
is left unconfigured, so that no request leaves the machine (its endpoints answer their documented 503).
schemathesis.toml holds the request rules a schema cannot state. Exits non-zero when either run finds a failure.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from screenshots import manage

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
UNTHROTTLED = {
    "THROTTLE_ANON": "1000000/minute",
    "THROTTLE_USER": "1000000/minute",
    "THROTTLE_AUTH": "1000000/minute",
    "THROTTLE_COMMENTS": "1000000/minute",
    "THROTTLE_EXPORTS": "1000000/hour",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(folder: Path) -> dict[str, str]:
    """The development settings on a database of their own: no PostgreSQL, Redis, broker or TMDB from the shell."""
    leave_out = {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "TMDB_API_TOKEN",
        "TMDB_API_KEY",
    }
    env = {name: value for name, value in os.environ.items() if name not in leave_out}
    env.update(
        UNTHROTTLED,
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SQLITE_PATH=str(folder / "site.sqlite3"),
        MEDIA_ROOT=str(folder / "media"),
        RECOMMENDER_MODEL_DIR=str(folder / "recommender"),
        LOG_LEVEL="ERROR",
        # One process, so that its in-memory cache is the only one; threads, as in production.
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as log_file:
        server = subprocess.Popen(
            # No limit on the request line: gunicorn's own 414 (4 KB by default, and not the API's JSON) would answer
            # the longest generated queries before Django sees them.
            [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--limit-request-line", "0"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/health/live", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def demo_member(env: dict[str, str]) -> tuple[str, str]:
    """A demo member seed_demo creates, with reviews, lists and follows to act on, and their password."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from imports.management.commands.seed_demo import DEMO_USER_PASSWORD, DEMO_USERNAMES

    return DEMO_USERNAMES[0], DEMO_USER_PASSWORD


def access_token(url: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        f"{url}/api/users/login/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access"]


def schemathesis(url: str, args: argparse.Namespace, *extra: str) -> int:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{url}/api/schema/",
        "--checks=all",
        f"--seed={args.seed}",
        f"--max-examples={args.max_examples}",
        f"--workers={args.workers}",
        "--generation-database=none",
        "--no-color",
        *extra,
    ]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20260101, help="Schemathesis' random seed")
    parser.add_argument("--max-examples", type=int, default=10, help="test cases per operation and phase")
    # One worker: the requests go in one order, so the result is the seed's alone.
    parser.add_argument("--workers", type=int, default=1, help="concurrent Schemathesis workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flixreview-schema-check-") as folder:
        env = site_environment(Path(folder))
        username, password = demo_member(env)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        with serving(env, Path(folder) / "server.log") as url:
            print("== as a visitor", flush=True)
            visitor = schemathesis(url, args)
            print(f"== as {username}, a logged-in member", flush=True)
            token = access_token(url, username, password)
            member = schemathesis(url, args, f"--header=Authorization: Bearer {token}")
    if visitor or member:
        raise SystemExit("the API does not do what its schema says (see the failures above)")


if __name__ == "__main__":
    main()
