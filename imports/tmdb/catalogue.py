"""Import and refresh one movie from TMDB (The Movie Database) through :mod:`imports.tmdb.client`.

    outcome = import_movie(550)                    # ImportOutcome(movie, "created" | "updated" | "unchanged")

Batches of movies (ids, TMDB's lists, the sync of every imported movie) are in :mod:`imports.tmdb.batch`.

One movie is one transaction: update-or-create by ``tmdb_id``, its genres (by TMDB genre id) and its links, all or
nothing. Importing a movie again compares first and writes only what differs; when nothing differs it writes
nothing at all, so ``updated_at`` and ``tmdb_synced_at`` keep their values. ``tmdb_synced_at`` is therefore "when
TMDB data last changed this row" (creation included), not "when TMDB was last asked".

Genres: the movie's TMDB genres (those with a ``tmdb_id``) are set to exactly TMDB's list; genres without a
``tmdb_id`` (MovieLens, demo data, added by an admin) are left on the movie. A TMDB genre is matched by its id, then
by name regardless of case (the existing genre then takes the TMDB id), and created on first sight otherwise. TMDB's
"Science Fiction" and a local "Sci-Fi" stay two genres.

Posters (``TMDB_DOWNLOAD_POSTERS``): after the movie is committed, its w500 poster is fetched from the configured
image host only (``TMDB_IMAGE_BASE_URL``'s scheme, host and port) at a public address (no private, loopback or
link-local one, unless ``TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES``), without following redirects, as a JPEG, PNG, WebP
or GIF of at most ``POSTER_MAX_BYTES``, into ``Movie.poster_file``. A failed download is logged and reported in the
outcome; it never fails the import.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Iterable
from typing import Any, Literal, cast

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from core.origins import DEFAULT_PORTS, on_origin_of, origin
from imports.tmdb.client import USER_AGENT, TmdbClient
from imports.tmdb.errors import TmdbError
from imports.tmdb.types import Genre as TmdbGenre
from imports.tmdb.types import ImageConfiguration, MovieDetails, image_url
from movies.models import Genre, Movie
from movies.services import GENRE_NAME_MAX_LENGTH, unique_genre_slug

logger = logging.getLogger(__name__)

Status = Literal["created", "updated", "unchanged"]

POSTER_SIZE = "w500"
BACKDROP_SIZE = "w1280"
POSTER_MAX_BYTES = 5 * 1024 * 1024
POSTER_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}  # no SVG: it can carry scripts
IMAGE_CONFIGURATION_SECONDS = 24 * 60 * 60
# When /configuration fails, the fallback is cached briefly so that a batch does not ask again for every movie.
IMAGE_CONFIGURATION_FALLBACK_SECONDS = 10 * 60
# Text fields always have a max_length.
_TITLE_MAX = cast(int, Movie._meta.get_field("title").max_length)
_IMDB_ID_MAX = cast(int, Movie._meta.get_field("imdb_id").max_length)
_PATH_MAX = cast(int, Movie._meta.get_field("poster_path").max_length)
_URL_MAX = cast(int, Movie._meta.get_field("poster_url").max_length)
_RUNTIME_MAX = 2000  # the model's validator: longer "runtimes" in TMDB are data errors
_image_configuration_lock = threading.Lock()
_sqlite_write_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ImportOutcome:
    movie: Movie
    status: Status
    changed: tuple[str, ...] = ()  # fields written by an update, "genres" included
    poster_error: str | None = None  # why the poster download failed, when it did

    @property
    def created(self) -> bool:
        return self.status == "created"


def make_client() -> TmdbClient:
    """A client configured from the TMDB_* settings; raises TmdbNotConfigured without credentials."""
    return TmdbClient.from_settings()


# --- images ---------------------------------------------------------------------------------------------------


def image_configuration(client: TmdbClient) -> ImageConfiguration:
    """TMDB's image configuration, fetched once a day (per cache) and shared by every thread and import.

    When ``/configuration`` fails, TMDB_IMAGE_BASE_URL with the standard sizes is used instead.
    """
    key = f"tmdb:image-configuration:{client.config.base_url}"
    images = cache.get(key)
    if images is not None:
        return images
    with _image_configuration_lock:  # one request per process, not one per waiting thread
        images = cache.get(key)
        if images is not None:
            return images
        try:
            images, seconds = client.configuration(), IMAGE_CONFIGURATION_SECONDS
        except TmdbError as exc:
            logger.warning("TMDB /configuration failed (%s: %s); using TMDB_IMAGE_BASE_URL", type(exc).__name__, exc)
            images, seconds = client.images, IMAGE_CONFIGURATION_FALLBACK_SECONDS
        cache.set(key, images, seconds)
        return images


def poster_url(images: ImageConfiguration, path: str | None) -> str:
    """The w500 poster URL for a TMDB poster path; empty without a path."""
    return _image_url(images, path, POSTER_SIZE, images.poster_sizes)


def _image_url(images: ImageConfiguration, path: str | None, size: str, sizes: tuple[str, ...]) -> str:
    """The image at ``size``, or the largest TMDB offers when it does not offer that one; empty without a path or
    when the URL would not fit the model's field."""
    if sizes and size not in sizes:
        size = "original" if "original" in sizes else sizes[-1]
    url = image_url(images.secure_base_url, size, path) or ""
    return url if len(url) <= _URL_MAX else ""


# --- one movie ------------------------------------------------------------------------------------------------


def _movie_fields(details: MovieDetails, images: ImageConfiguration) -> dict[str, Any]:
    poster_path = details.poster_path if details.poster_path and len(details.poster_path) <= _PATH_MAX else ""
    backdrop_path = details.backdrop_path if details.backdrop_path and len(details.backdrop_path) <= _PATH_MAX else ""
    imdb_id = details.imdb_id if details.imdb_id and len(details.imdb_id) <= _IMDB_ID_MAX else ""
    return {
        "title": (details.title or f"TMDB movie {details.id}")[:_TITLE_MAX],
        "description": details.overview,
        "release_date": details.release_date,
        "runtime": details.runtime if details.runtime and details.runtime <= _RUNTIME_MAX else None,
        "budget": details.budget,
        "revenue": details.revenue,
        "imdb_id": imdb_id,
        "poster_path": poster_path,
        "backdrop_path": backdrop_path,
        "poster_url": poster_url(images, poster_path),
        "backdrop_url": _image_url(images, backdrop_path, BACKDROP_SIZE, images.backdrop_sizes),
        "keywords": list(details.keywords),
        "cast": list(details.cast),
        "directors": list(details.directors),
    }


def _genre_name(genre: TmdbGenre) -> str:
    return " ".join(genre.name.split())[:GENRE_NAME_MAX_LENGTH] or f"TMDB genre {genre.id}"


def _genre_for(genre: TmdbGenre) -> Genre:
    """The local genre for a TMDB genre not yet linked by id: matched by name (taking the TMDB id), or created."""
    name = _genre_name(genre)
    existing = Genre.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.tmdb_id is None:
            existing.tmdb_id = genre.id
            existing.save(update_fields=["tmdb_id"])
        # A same-named genre already linked to another TMDB id is used as it is: names are unique.
        return existing
    try:
        with transaction.atomic():  # another import may create it at the same moment
            return Genre.objects.create(name=name, slug=unique_genre_slug(name), tmdb_id=genre.id)
    except IntegrityError:
        found = Genre.objects.filter(tmdb_id=genre.id).first() or Genre.objects.filter(name__iexact=name).first()
        if found is None:
            raise
        return found


def tmdb_genres_resolve(genres: Iterable[TmdbGenre]) -> list[Genre]:
    """Local genres for TMDB genres, in TMDB's order, created or linked on first sight."""
    unique = list({genre.id: genre for genre in genres}.values())
    if not unique:
        return []
    by_tmdb_id = {g.tmdb_id: g for g in Genre.objects.filter(tmdb_id__in=[genre.id for genre in unique])}
    return [by_tmdb_id.get(genre.id) or _genre_for(genre) for genre in unique]


def _movie_genres_sync(movie: Movie, wanted: list[Genre], *, is_new: bool) -> bool:
    """Make the movie's TMDB genres exactly ``wanted``, keeping genres without a tmdb_id; True if links changed."""
    wanted_ids = {genre.pk for genre in wanted}
    current = {} if is_new else dict(movie.genres.values_list("pk", "tmdb_id"))
    to_add = wanted_ids - current.keys()
    to_remove = {pk for pk, tmdb_id in current.items() if tmdb_id is not None and pk not in wanted_ids}
    if to_remove:
        movie.genres.remove(*to_remove)
    if to_add:
        movie.genres.add(*to_add)
    return bool(to_add or to_remove)


def _serialized_on_sqlite() -> contextlib.AbstractContextManager[Any]:
    """SQLite has one writer at a time: the import threads of this process take turns here instead of waiting in
    SQLite's busy handler (and, on a shared-cache in-memory database, failing with "database table is locked").
    PostgreSQL takes row locks and needs no such turn-taking."""
    return _sqlite_write_lock if connections["default"].vendor == "sqlite" else contextlib.nullcontext()


def _movie_for_update(tmdb_id: int) -> Movie | None:
    return Movie.objects.select_for_update().filter(tmdb_id=tmdb_id).first()


def _movie_get_or_create(tmdb_id: int, fields: dict[str, Any]) -> tuple[Movie, bool]:
    movie = _movie_for_update(tmdb_id)
    if movie is not None:
        return movie, False
    try:
        with transaction.atomic():
            return Movie.objects.create(tmdb_id=tmdb_id, tmdb_synced_at=timezone.now(), **fields), True
    except IntegrityError:  # a concurrent import created it since we looked
        movie = _movie_for_update(tmdb_id)
        if movie is None:
            raise
        return movie, False


def _movie_save(details: MovieDetails, images: ImageConfiguration) -> ImportOutcome:
    fields = _movie_fields(details, images)
    with transaction.atomic():
        movie, created = _movie_get_or_create(details.id, fields)
        changed = [] if created else [name for name, value in fields.items() if getattr(movie, name) != value]
        genres_changed = _movie_genres_sync(movie, tmdb_genres_resolve(details.genres), is_new=created)
        if not created and (changed or genres_changed):
            for name in changed:
                setattr(movie, name, fields[name])
            movie.tmdb_synced_at = timezone.now()
            movie.save(update_fields=[*changed, "tmdb_synced_at", "updated_at"])
        status: Status = "created" if created else "updated" if changed or genres_changed else "unchanged"
    if genres_changed and not created:
        changed.append("genres")
    return ImportOutcome(movie, status, tuple(changed))


def import_movie(tmdb_id: int, *, client: TmdbClient | None = None) -> ImportOutcome:
    """Create or refresh the movie with this TMDB id. TMDB errors propagate (nothing is written then)."""
    if client is None:
        with make_client() as own_client:
            return import_movie(tmdb_id, client=own_client)
    details = client.movie_details(tmdb_id)
    images = image_configuration(client)
    with _serialized_on_sqlite():
        outcome = _movie_save(details, images)
    if settings.TMDB_DOWNLOAD_POSTERS:
        error = movie_poster_refresh(outcome.movie, images)
        if error:
            outcome = dataclasses.replace(outcome, poster_error=error)
    return outcome


# --- posters --------------------------------------------------------------------------------------------------


class PosterRejected(Exception):
    """A poster download that broke a rule (host, address, redirect, status, type, size)."""


def poster_download(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    """The image at ``url``, which must be on the TMDB_IMAGE_BASE_URL origin and reach a public address (unless
    TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES), at most ``max_bytes`` (default POSTER_MAX_BYTES) long; raises
    PosterRejected otherwise."""
    max_bytes = POSTER_MAX_BYTES if max_bytes is None else max_bytes
    if not on_origin_of(url, settings.TMDB_IMAGE_BASE_URL or ""):
        scheme, host, _ = origin(settings.TMDB_IMAGE_BASE_URL or "")
        raise PosterRejected(f"{url} is not on the configured image host {scheme}://{host}")
    target = httpx.URL(url)
    host = target.raw_host.decode("ascii")
    address = _public_address(host, target.port or DEFAULT_PORTS[target.scheme])
    timeout = settings.TMDB_TIMEOUT if timeout is None else timeout
    # A client of its own: the TMDB API client sends the API token, which the image host must never see. It connects
    # to the address just vetted (no second lookup for DNS to answer differently), naming the host for HTTP and TLS.
    with (
        httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as http,
        http.stream(
            "GET",
            target.copy_with(host=address),
            headers={"Host": target.netloc.decode("ascii")},
            extensions={"sni_hostname": host},
        ) as response,
    ):
        _check_poster_response(response, max_bytes)
        return _read_at_most(response, max_bytes)


def _public_address(host: str, port: int) -> str:
    """The first address ``host`` resolves to, once none of them is private, loopback, link-local or reserved."""
    addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if not settings.TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES:
        private = [address for address in addresses if not ipaddress.ip_address(address).is_global]
        if private:
            raise PosterRejected(f"{host} resolves to {private[0]}, a private or loopback address")
    return addresses[0]


def _check_poster_response(response: httpx.Response, max_bytes: int) -> None:
    if response.is_redirect:
        raise PosterRejected(f"redirect to {response.headers.get('location', '?')} not followed")
    if response.status_code != 200:
        raise PosterRejected(f"HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in POSTER_CONTENT_TYPES:
        raise PosterRejected(f"content type {content_type or 'missing'!r} is not a poster image")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PosterRejected(f"{declared} bytes is over the {max_bytes}-byte limit")


def _read_at_most(response: httpx.Response, max_bytes: int) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise PosterRejected(f"more than the {max_bytes}-byte limit")
    return bytes(body)


def _poster_file_name(movie: Movie) -> str:
    base = get_valid_filename(os.path.basename(movie.poster_path)) or "poster.jpg"
    return f"{movie._meta.get_field('poster_file').upload_to}tmdb-{movie.tmdb_id}-{base}"


def movie_poster_refresh(movie: Movie, images: ImageConfiguration) -> str | None:
    """Download the movie's poster unless the stored file already is this poster path; returns an error or None."""
    field = movie.poster_file
    if not movie.poster_path:
        if field:
            field.delete(save=False)
            with _serialized_on_sqlite():
                Movie.objects.filter(pk=movie.pk).update(poster_file="")
        return None
    name = _poster_file_name(movie)
    if field.name == name:
        return None
    old_name, storage = field.name, field.storage
    try:
        content = poster_download(poster_url(images, movie.poster_path))
        if storage.exists(name):
            storage.delete(name)
        field.name = storage.save(name, ContentFile(content), max_length=field.field.max_length)
    except (PosterRejected, httpx.HTTPError, OSError) as exc:
        field.name = old_name
        error = describe_error(exc)
        logger.warning("TMDB poster for movie %s (tmdb %s) not downloaded: %s", movie.pk, movie.tmdb_id, error)
        return error
    with _serialized_on_sqlite():
        Movie.objects.filter(pk=movie.pk).update(poster_file=field.name)
    if old_name and old_name != field.name:
        storage.delete(old_name)
    return None


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
