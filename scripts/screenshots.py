"""Screenshots of the web site's main pages at 360 px and 1280 px, for the README (`make screenshots`).

A fresh SQLite database in a temporary folder gets the demo data (seed_demo) and recommendations
(build_recommendations); the development server serves it on a free 127.0.0.1 port; Chromium (Debian's, at
CHROMIUM_PATH, default /usr/bin/chromium) looks at each page as a visitor or as a demo member and saves the first
screen of it to docs/screenshots/<page>-<width>.png. A page that does not exist yet (no route, or a 404) is skipped
with a note.
"""

import argparse
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {360: 780, 1280: 800}  # width: height of the first screen
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (file name, URL name in the "web" namespace or a candidate list, what the arguments are, logged in?)
PAGES: list[tuple[str, tuple[str, ...], str | None, bool]] = [
    ("home-visitor", ("home",), None, False),
    ("films", ("films",), None, False),
    ("film", ("film",), "film", False),
    ("login", ("login",), None, False),
    ("join", ("register",), None, False),
    ("home-member", ("home",), None, True),
    ("profile", ("profile",), "username", True),
    ("feed", ("feed",), None, True),
    ("notifications", ("notifications",), None, True),
    ("settings", ("settings",), None, True),
    ("import", ("import", "history-import", "settings-import", "imports"), None, True),
    ("list", ("list", "film-list"), "list", True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(folder: Path) -> dict[str, str]:
    """The development settings on a database of their own: no PostgreSQL, Redis or broker from the shell."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env.update(
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(folder / "site.sqlite3"),
        MEDIA_ROOT=str(folder / "media"),
        RECOMMENDER_MODEL_DIR=str(folder / "recommender"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    print("$ manage.py", " ".join(args), flush=True)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
                    raise SystemExit("the development server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def page_paths(env: dict[str, str]) -> tuple[dict[str, str | None], str, str]:
    """Each page's path (None when the site has no such page yet), the demo member and their password."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    from imports.management.commands.seed_demo import DEMO_USER_PASSWORD, DEMO_USERNAMES
    from lists.models import FilmList
    from movies.models import Movie

    member = DEMO_USERNAMES[0]
    film = Movie.objects.order_by("-review_count", "title").first()
    film_list = FilmList.objects.filter(public=True).order_by("id").first()
    arguments: dict[str | None, list[Any] | None] = {
        None: [],
        "film": [film.pk] if film else None,
        "username": [member],
        "list": [film_list.pk] if film_list else None,
    }
    paths: dict[str, str | None] = {}
    for name, url_names, kind, _member in PAGES:
        paths[name] = None
        for url_name in url_names if arguments[kind] is not None else ():
            try:
                paths[name] = reverse(f"web:{url_name}", args=arguments[kind])
                break
            except NoReverseMatch:
                continue
    return paths, member, DEMO_USER_PASSWORD


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def shoot(url: str, paths: dict[str, str | None], member: str, password: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    notes: list[str] = []
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for width, height in WIDTHS.items():
            for logged_in in (False, True):
                context = browser.new_context(
                    base_url=url, viewport={"width": width, "height": height}, device_scale_factor=1
                )
                page = context.new_page()
                if logged_in:
                    log_in(page, member, password)
                for name, _names, _kind, needs_member in PAGES:
                    if needs_member == logged_in:
                        notes += shoot_one(page, name, paths[name], width)
                context.close()
        browser.close()
    return sorted(set(notes))


def shoot_one(page: Any, name: str, path: str | None, width: int) -> list[str]:
    if path is None:
        return [f"{name}: skipped, the site has no such page yet"]
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    if response is None or response.status == 404:
        return [f"{name}: skipped, {path} answers 404 today"]
    target = OUT / f"{name}-{width}.png"
    page.screenshot(path=str(target))
    print(f"  {target.relative_to(ROOT)}", flush=True)
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="flixreview-screenshots-") as folder:
        env = site_environment(Path(folder))
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "build_recommendations")
        paths, member, password = page_paths(env)
        with serving(env) as url:
            notes = shoot(url, paths, member, password)
    total = sum(png.stat().st_size for png in OUT.glob("*.png"))
    print(f"{len(list(OUT.glob('*.png')))} screenshots, {total / 1024:.0f} KiB in {OUT.relative_to(ROOT)}")
    for note in notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
