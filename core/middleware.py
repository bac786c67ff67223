import logging
import re
import time
import uuid

from django.conf import settings

from core.errors import database_unavailable, is_database_unreachable
from core.logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only when it is short and plain, so that it cannot forge log lines or
# smuggle anything into the response header; anything else is replaced by a fresh uuid4.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

request_logger = logging.getLogger("flixreview.request")


class RequestIdMiddleware:
    """Gives every request an id: a sane incoming X-Request-ID, or a new uuid4.

    The id is on `request.request_id`, on every log record written while the request is served
    (`core.logging`), and in the X-Request-ID response header (so gunicorn's access line has it).
    With `LOG_REQUESTS=true` it also logs one line per request with method, path, status and
    duration; off by default, because gunicorn's access log already has those lines.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.log_requests = settings.LOG_REQUESTS

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        request_id = incoming if incoming and _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            if not self.log_requests:
                response = self.get_response(request)
                response[REQUEST_ID_HEADER] = request_id
                return response
            started = time.perf_counter()
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class HealthProbeMiddleware:
    """Answers /health/live and /health/ready before host validation and the HTTPS redirect.

    Probes (Docker HEALTHCHECK, Kubernetes, load balancers) connect by IP address over plain HTTP,
    so they would otherwise get 400 (Host not in ALLOWED_HOSTS) or a 301 to HTTPS. The responses
    hold no absolute URLs, so skipping the Host check cannot poison anything. `/health/` itself is
    left to the normal stack.
    """

    def __init__(self, get_response):
        from core import views

        self.get_response = get_response
        self.probes = {
            "/health/live": views.health_live,
            "/health/live/": views.health_live,
            "/health/ready": views.health_ready,
            "/health/ready/": views.health_ready,
        }

    def __call__(self, request):
        view = self.probes.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answers 503 instead of 500 when a view (or its template) cannot reach the database: see core.errors.

    Answered here, the error is not an unhandled exception to Django (no got_request_exception signal, so no error
    report per request during an outage; the same answer with DEBUG on). Errors raised in other middleware never
    reach ``process_exception``: Django hands those to the 500 handler, core.errors.server_error, which answers
    them the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unreachable(exception):
            return database_unavailable(request, exception)
        return None
