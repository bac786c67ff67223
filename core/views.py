"""Health endpoints.

- `/health/` (unchanged, the benchmark baseline): a database round trip; 503 when it fails.
- `/health/live`: the process answers. No I/O, so a slow dependency never gets the process killed.
- `/health/ready`: database, cache and (when CELERY_BROKER_URL is set) the broker answer; 503 with
  the failed dependencies named otherwise. Take the instance out of rotation, don't restart it.
  An unreachable Redis cache is not a failure: requests are served without it (core.redis_cache), and the
  answer is 200 with status `degraded`, naming it.

Live and ready are answered ahead of host validation and the HTTPS redirect by
`core.middleware.HealthProbeMiddleware`; the routes in `config.urls` reach the same views.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from core.redis_cache import outage_of

logger = logging.getLogger(__name__)


def health(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip; 503 when the database cannot answer."""
    try:
        check_database()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def health_live(request):
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


class Degraded(Exception):
    """The dependency is down, and requests are served without it."""

    def __init__(self, details: dict[str, float | int]) -> None:
        super().__init__(details)
        self.details = details


def check_cache() -> None:
    key = f"health:ready:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        if cache.get(key) == "1":
            return
    finally:
        cache.delete(key)
    outage = outage_of(caches["default"])
    if outage is not None:
        raise Degraded(
            {"unreachable_for_seconds": round(outage.seconds, 1), "calls_served_without_it": outage.calls_without_redis}
        )
    raise RuntimeError("cache did not return the value just written")


def check_broker() -> bool:
    """Connect to the Celery broker with a short timeout. False when no broker is configured."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return False
    from kombu import Connection

    timeout = settings.HEALTH_CHECK_TIMEOUT
    transport_options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "max_retries": 0}
    with Connection(url, connect_timeout=timeout, transport_options=transport_options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=int(timeout) or None)
    return True


@require_safe
def health_ready(request):
    checks: dict[str, str] = {}
    failed: list[str] = []
    degraded: dict[str, dict] = {}
    for name, check in (("database", check_database), ("cache", check_cache), ("broker", check_broker)):
        try:
            result = check()
        except Degraded as exc:
            # The backend logged the outage (once a minute at most): every probe repeating it would drown it.
            checks[name] = "degraded"
            degraded[name] = exc.details
        except Exception as exc:
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            checks[name] = "unreachable"
            failed.append(name)
        else:
            checks[name] = "skipped" if result is False else "ok"
    if failed:
        # Each failure was logged above with its cause (core.logging.SkipFailedReadinessProbes drops the generic line).
        return JsonResponse({"status": "unavailable", "failed": failed, "checks": checks}, status=503)
    if degraded:
        return JsonResponse({"status": "degraded", "degraded": degraded, "checks": checks})
    return JsonResponse({"status": "ok", "checks": checks})
