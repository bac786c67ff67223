"""Reads from a streaming replica, writes to the primary (DATABASE_REPLICA_URL names the replica; docs/deploying.md).

A replica lags the primary by a moment, so a client must not read from it what it has just written. Inside a
request, once anything is written, every later read goes to the primary; and the response tells the client's
browser (a short-lived cookie) to read from the primary for its next few requests too, which covers the page a
form redirects to. Inside a transaction everything goes to the primary. Celery tasks start each task afresh.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY, REPLICA = "default", "replica"
PIN_COOKIE = "flix_primary"

_request = threading.local()


def start(*, pinned: bool = False) -> None:
    """A new unit of work (a request, a task): reads go to the replica unless ``pinned`` to the primary."""
    _request.wrote = pinned


def wrote() -> bool:
    return getattr(_request, "wrote", False)


class PrimaryReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if wrote() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _request.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # a replica follows the primary's schema on its own


class ReplicaPinMiddleware:
    """Starts each request on the replica, or on the primary while the client's pin cookie lasts; sets that cookie
    when the request wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start(pinned=PIN_COOKIE in request.COOKIES)
        response = self.get_response(request)
        if wrote() and REPLICA in settings.DATABASES:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.DATABASE_REPLICA_PIN_SECONDS, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        return response
