#!/usr/bin/env bash
# `make image-smoke`: the image `make image` built, run against a real PostgreSQL and Redis.
#   - What is inside: it runs as 10001:10001, keeps its HEALTHCHECK, and holds no compiler, pip,
#     tests, secrets or build leftovers; its code is read-only to the app user.
#   - `check --deploy` and `migrate` on a new database, run from the image.
#   - The image's default command (gunicorn) with production settings: /health/live, /health/ and
#     /health/ready (database, cache and broker), an API read (GET /api/movies/) and a site page
#     (GET /), a registration and the access token on /api/users/me/, the HTTPS redirect, HSTS,
#     request ids, static files; the image's own health check reports healthy; every log line is
#     JSON; `stop` (SIGTERM) ends it with exit code 0.
# The containers share the host's network, so PostgreSQL and Redis are the ones on 127.0.0.1.
# Everything it makes (containers, the database, Redis database's keys, temp dir) is removed on
# exit, whatever the outcome.
#
# Environment (defaults in brackets):
#   IMAGE               the image to test [flixreview:latest, the last `make image`]
#   SMOKE_PG_ADMIN_URL  PostgreSQL URL for CREATE/DROP DATABASE [postgres://postgres@127.0.0.1:5432/postgres]
#   SMOKE_DB_NAME       the database to create and drop [flix_image_smoke]
#   SMOKE_REDIS_URL     Redis for the cache and the broker; flushed at the end [redis://127.0.0.1:6379/14]
#   CONTAINER_ENGINE, CONTAINERS_CONF: see scripts/containers.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_NAME=image-smoke
# shellcheck source=scripts/containers.sh
source "$ROOT/scripts/containers.sh"

PG_ADMIN_URL="${SMOKE_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="${SMOKE_DB_NAME:-flix_image_smoke}"
REDIS_URL_SMOKE="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/14}"
if ! [[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "SMOKE_DB_NAME must be a plain lower-case identifier, got '$DB_NAME'" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flix-image-smoke.XXXXXX")"
NAME="flix-image-smoke-$$"
DB_CREATED=0
REDIS_USED=0

cleanup() {
  local status=$?
  set +e
  if engine container inspect "$NAME" >/dev/null 2>&1; then
    if [[ "$status" -ne 0 ]]; then
      log "container output (last 60 lines):"
      engine logs --tail 60 "$NAME" >&2 2>&1
    fi
    engine rm --force "$NAME" >/dev/null 2>&1
  fi
  if [[ "$DB_CREATED" -eq 1 ]]; then
    admin_sql "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" || log "could not drop database $DB_NAME"
  fi
  if [[ "$REDIS_USED" -eq 1 ]]; then
    in_image python -c 'import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()' "$REDIS_URL_SMOKE" ||
      log "could not flush $REDIS_URL_SMOKE"
  fi
  rm -rf "$WORK"
  if [[ "$status" -eq 0 ]]; then log "OK"; else log "FAILED (exit $status)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
engine_init

IMAGE="${IMAGE:-flixreview:latest}"
image_exists "$IMAGE" || die "no image $IMAGE: run \`make image\` first (or set IMAGE)"
log "testing $IMAGE with $CONTAINER_ENGINE"
image_revision_note "$IMAGE"
standin="$(image_label "$IMAGE" org.flixreview.stand-in)"
[[ -z "$standin" ]] || log "NOTE: $IMAGE is built on a stand-in base image ($standin)"

# A one-off container of the image on the host's network, with the smoke environment.
in_image() {
  engine run --rm --interactive --network host --no-healthcheck --env-file "$WORK/env" "$IMAGE" "$@"
}

admin_sql() {
  in_image python -c '
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=10) as conn:
    conn.execute(sys.argv[2])
' "$PG_ADMIN_URL" "$1"
}

PORT="$(free_port)"
DB_URL="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$DB_NAME")"
# The environment a deployment gives the container, with throwaway values.
{
  echo "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  echo "ALLOWED_HOSTS=127.0.0.1,localhost"
  echo "CSRF_TRUSTED_ORIGINS=https://localhost"
  echo "CORS_ALLOWED_ORIGINS=https://localhost"
  echo "DATABASE_URL=$DB_URL"
  echo "REDIS_URL=$REDIS_URL_SMOKE"
  echo "CACHE_KEY_PREFIX=flix-image-smoke-$$"
  echo "CELERY_BROKER_URL=$REDIS_URL_SMOKE"
  echo "PORT=$PORT"
  echo "GUNICORN_WORKERS=2"
  echo "GUNICORN_THREADS=2"
} >"$WORK/env"

log "what is inside the image"
engine image inspect "$IMAGE" >"$WORK/inspect.json"
python3 - "$WORK/inspect.json" <<'PY'
import json
import sys

image = json.load(open(sys.argv[1]))[0]
config = image["Config"]
# podman keeps the health check beside the OCI config, Docker inside it.
config.setdefault("Healthcheck", image.get("Healthcheck"))


def expect(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"  ok: {message}".rstrip())


expect(config.get("User") == "10001:10001", f"runs as 10001:10001 (User {config.get('User')!r})")
test = (config.get("Healthcheck") or {}).get("Test") or []
expect(any("/health/ready" in part for part in test), "the HEALTHCHECK (polling /health/ready) is in the image")
names = {item.split("=", 1)[0] for item in config.get("Env") or []}
secret_like = sorted(n for n in names if any(w in n for w in ("SECRET", "PASSWORD", "TOKEN", "DSN", "DATABASE_URL")))
expect(not secret_like, f"no secrets in the image's environment {secret_like or ''}")
PY

in_image python - <<'PY'
import importlib.util
import os
import re
import shutil
import sys


def expect(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"  ok: {message}".rstrip())


expect(os.getuid() == 10001 and os.getgid() == 10001, "the process runs as uid/gid 10001, not root")
tools = [t for t in ("gcc", "cc", "c++", "g++", "clang", "make", "ld", "as", "pip", "pip3", "git") if shutil.which(t)]
expect(not tools, f"no build tools on PATH {tools or ''}")
modules = [m for m in ("pip", "setuptools", "wheel", "pytest", "factory", "schemathesis") if importlib.util.find_spec(m)]
expect(not modules, f"no installer or test packages importable {modules or ''}")

found = []
for top in ("/app", "/opt/venv"):
    for directory, subdirs, files in os.walk(top):
        found += [os.path.join(directory, d) for d in subdirs if d == "tests"]
        found += [os.path.join(directory, f) for f in files if f == "conftest.py" or re.match(r"test_.*\.py$", f)]
expect(not found, f"no tests in /app or /opt/venv {found[:5] or ''}")

leftovers = [
    path
    for path in (
        "/app/.env", "/app/.git", "/app/.venv", "/app/db.sqlite3", "/app/docs", "/app/scripts", "/app/Dockerfile",
        "/app/docker-compose.yml", "/app/media", "/wheels", "/build", "/root/.cache", "/root/.config/pip",
        "/etc/pip.conf", "/run/secrets/pip_ca",
    )  # fmt: skip
    if os.path.lexists(path)
]
expect(not leftovers, f"no secrets, local files or build leftovers {leftovers or ''}")
for required in ("/app/manage.py", "/app/gunicorn.conf.py", "/app/staticfiles/staticfiles.json"):
    expect(os.path.exists(required), f"{required} is there")
expect(not os.access("/app", os.W_OK) and not os.access("/app/manage.py", os.W_OK), "the code is read-only to the app")
expect(os.access("/data/media", os.W_OK) and os.access("/data/recommender", os.W_OK), "/data is writable")
PY

log "database $DB_NAME"
admin_sql "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
admin_sql "CREATE DATABASE $DB_NAME"
DB_CREATED=1
REDIS_USED=1

log "check --deploy"
in_image python manage.py check --deploy --fail-level WARNING
log "migrate"
in_image python manage.py migrate --noinput --verbosity 0

log "the image's default command (gunicorn) on 127.0.0.1:$PORT"
run_args=(run --detach --name "$NAME" --network host --env-file "$WORK/env")
# Docker runs the health check by itself: only its first run is brought forward. podman without
# systemd runs it when asked (`podman healthcheck run`, below).
[[ "$CONTAINER_ENGINE" == docker ]] && run_args+=(--health-start-period 60s --health-interval 2s)
engine "${run_args[@]}" "$IMAGE" >/dev/null 2>"$WORK/run.err" || {
  cat "$WORK/run.err" >&2
  exit 1
}

python3 - "http://127.0.0.1:$PORT" <<'PY'
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

base = sys.argv[1]


def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("X-Forwarded-Proto", "https")  # as the TLS-terminating proxy would send
    request.add_header("Host", "localhost")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def expect(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"  ok: {message}".rstrip())


deadline = time.monotonic() + 90
while True:
    try:
        status, _, body = call("GET", "/health/ready")
        if status == 200:
            break
    except OSError:
        status, body = None, b""
    if time.monotonic() > deadline:
        sys.exit(f"FAIL: /health/ready did not answer 200 within 90 s (last: {status} {body[:300]!r})")
    time.sleep(0.5)
ready = json.loads(body)
expect(ready["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}, f"/health/ready 200 {ready}")
status, _, _ = call("GET", "/health/live")
expect(status == 200, "/health/live 200")
status, _, body = call("GET", "/health/")
expect(status == 200, f"/health/ 200 {body[:200]!r}")

# Probes come by IP over plain HTTP: no Host match, no X-Forwarded-Proto.
plain = urllib.request.Request(base + "/health/ready", headers={"Host": "10.1.2.3:8000"})
with urllib.request.urlopen(plain, timeout=10) as response:
    expect(response.status == 200, "/health/ready answers a probe with a foreign Host over http")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


try:
    urllib.request.build_opener(NoRedirect).open(
        urllib.request.Request(base + "/api/movies/", headers={"Host": "localhost"}), timeout=10
    )
    expect(False, "plain http is redirected to https")
except urllib.error.HTTPError as error:
    expect(error.code == 301 and error.headers["Location"].startswith("https://"), "plain http is redirected to https")

status, headers, body = call("GET", "/api/movies/")
expect(
    status == 200 and "application/json" in headers.get("Content-Type", "") and "results" in json.loads(body),
    f"API read: GET /api/movies/ 200 with a page of results ({status})",
)
status, headers, body = call("GET", "/")
expect(
    status == 200 and "text/html" in headers.get("Content-Type", "") and b"<html" in body.lower(),
    f"site page: GET / 200 text/html ({status})",
)

username = f"smoke{uuid.uuid4().hex[:10]}"
password = uuid.uuid4().hex + "Aa1!"
request_id = f"smoke-{uuid.uuid4()}"
status, headers, body = call(
    "POST",
    "/api/users/register/",
    {"username": username, "email": f"{username}@example.com", "password": password},
    headers={"X-Request-ID": request_id},
)
expect(status == 201, "register 201" if status == 201 else f"register 201 (got {status} {body[:300]!r})")
expect(headers.get("X-Request-ID") == request_id, "incoming X-Request-ID is echoed")
expect(headers.get("Strict-Transport-Security", "").startswith("max-age="), "HSTS header on https responses")
access = json.loads(body)["access"]
status, headers, body = call("GET", "/api/users/me/", headers={"Authorization": f"Bearer {access}"})
expect(status == 200 and json.loads(body)["username"] == username, "GET /api/users/me/ with the access token")
expect(len(headers.get("X-Request-ID", "")) == 32, "a request id is generated when none is sent")
status, _, _ = call("GET", "/api/users/me/")
expect(status == 401, "GET /api/users/me/ without a token is 401")
status, headers, _ = call("GET", "/static/admin/css/base.css")
expect(status == 200 and "text/css" in headers.get("Content-Type", ""), "static files served by whitenoise")
PY

log "the image's own health check"
healthy=""
for _ in $(seq 1 45); do
  if [[ "$CONTAINER_ENGINE" == podman ]]; then
    podman healthcheck run "$NAME" >/dev/null 2>&1 && healthy=1
  fi
  [[ "$(engine inspect --format '{{ .State.Health.Status }}' "$NAME" 2>/dev/null)" == healthy ]] && healthy=1
  [[ -n "$healthy" ]] && break
  sleep 2
done
[[ -n "$healthy" ]] || die "the container's health check never reported healthy"
echo "  ok: health status healthy"

log "stop (SIGTERM)"
engine stop --time 30 "$NAME" >/dev/null 2>"$WORK/stop.err" || {
  cat "$WORK/stop.err" >&2
  exit 1
}
exit_code="$(engine inspect --format '{{ .State.ExitCode }}' "$NAME")"
[[ "$exit_code" == 0 ]] || die "gunicorn exited with $exit_code on SIGTERM"
echo "  ok: exit code 0 after SIGTERM"

# Every line gunicorn and Django wrote must be a JSON object; access lines carry the request id.
engine logs "$NAME" >"$WORK/container.log" 2>&1
python3 - "$WORK/container.log" <<'PY'
import json
import sys

lines = [line for line in open(sys.argv[1], encoding="utf-8").read().splitlines() if line.strip()]
records = []
for number, line in enumerate(lines, 1):
    try:
        records.append(json.loads(line))
    except ValueError:
        sys.exit(f"FAIL: log line {number} is not JSON: {line[:200]}")
access = [r for r in records if r.get("logger") == "gunicorn.access"]
if not access:
    sys.exit("FAIL: no gunicorn access lines")
keys = {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"}
missing = keys - set(access[-1])
if missing:
    sys.exit(f"FAIL: access line lacks {sorted(missing)}: {access[-1]}")
if not any(r.get("path") == "/api/users/register/" and r.get("request_id", "").startswith("smoke-") for r in access):
    sys.exit("FAIL: the register access line does not carry the request id")
print(f"  ok: {len(records)} log lines, all JSON; access lines carry method/path/status/duration_ms/request_id")
PY
