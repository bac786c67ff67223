#!/usr/bin/env bash
# Smoke test of what the Docker image does, without Docker: in a fresh virtualenv with only
# requirements/production.txt installed, run collectstatic and migrate with DJANGO_ENV=production,
# start gunicorn with gunicorn.conf.py against a real PostgreSQL and Redis, and check that
#   - /health/live and /health/ready answer 200 (database, cache and broker reachable);
#   - a user can register (POST /api/users/register/) and use the returned access token on
#     GET /api/users/me/ (authenticated round trip through the production settings);
#   - X-Request-ID is echoed, static files are served, the logs are JSON lines;
#   - gunicorn stops cleanly on SIGTERM.
# Everything it creates (temp dir, database flix_smoke, gunicorn) is removed on exit.
#
# Environment (defaults in brackets):
#   SMOKE_PG_ADMIN_URL  a database URL to connect to for CREATE/DROP DATABASE
#                       [postgres://postgres@127.0.0.1:5432/postgres]
#   SMOKE_DB_NAME       the database to create and drop [flix_smoke]
#   SMOKE_REDIS_URL     Redis for the cache and the Celery broker [redis://127.0.0.1:6379/12]
#   SMOKE_PYTHON        the interpreter to build the virtualenv with [python3.11, else python3]
#   SMOKE_KEEP_VENV     a directory to keep the virtualenv in between runs (optional)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG_ADMIN_URL="${SMOKE_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="${SMOKE_DB_NAME:-flix_smoke}"
REDIS_URL_SMOKE="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/12}"
if [[ -n "${SMOKE_PYTHON:-}" ]]; then
  PYTHON="$SMOKE_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
  PYTHON=python3.11
else
  PYTHON=python3
fi
if ! [[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "SMOKE_DB_NAME must be a plain lower-case identifier, got '$DB_NAME'" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flix-smoke.XXXXXX")"
VENV="${SMOKE_KEEP_VENV:-$WORK/venv}"
GUNICORN_PID=""
DB_CREATED=0

log() { printf '[image_smoke] %s\n' "$*"; }

admin_sql() {
  # Runs one statement on the admin database with psycopg from the smoke virtualenv.
  "$VENV/bin/python" - "$PG_ADMIN_URL" "$1" <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=10) as conn:
    conn.execute(sys.argv[2])
PY
}

cleanup() {
  local status=$?
  set +e
  if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null
    wait "$GUNICORN_PID" 2>/dev/null
  fi
  if [[ "$status" -ne 0 && -f "$WORK/gunicorn.log" ]]; then
    log "gunicorn output (last 60 lines):"
    tail -n 60 "$WORK/gunicorn.log" >&2
  fi
  if [[ "$DB_CREATED" -eq 1 ]]; then
    admin_sql "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" || log "could not drop database $DB_NAME"
  fi
  rm -rf "$WORK"
  if [[ "$status" -eq 0 ]]; then log "OK"; else log "FAILED (exit $status)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "virtualenv with requirements/production.txt only ($("$PYTHON" --version))"
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -r requirements/production.txt >"$WORK/pip.log" 2>&1; then
  tail -n 40 "$WORK/pip.log" >&2
  exit 1
fi

# The image's build context: the repository less what .dockerignore leaves out, so that a file
# the app needs at run time but .dockerignore drops fails here too.
APP="$WORK/app"
log "build context per .dockerignore -> $APP"
"$VENV/bin/python" - "$ROOT" "$APP" <<'PY'
import os
import re
import shutil
import sys

root, dest = sys.argv[1], sys.argv[2]


def translate(pattern: str) -> re.Pattern:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


rules = []
for line in open(os.path.join(root, ".dockerignore"), encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#"):
        negate = line.startswith("!")
        rules.append((negate, translate(line.lstrip("!").strip("/"))))


def excluded(path: str) -> bool:
    parts = path.split("/")
    result = False
    for negate, regex in rules:
        if any(regex.fullmatch("/".join(parts[: n + 1])) for n in range(len(parts))):
            result = not negate
    return result


copied = 0
for directory, subdirs, files in os.walk(root):
    rel_dir = os.path.relpath(directory, root)
    rel_dir = "" if rel_dir == "." else rel_dir + "/"
    subdirs[:] = [d for d in subdirs if not excluded(rel_dir + d)]
    for name in files:
        if not excluded(rel_dir + name):
            os.makedirs(os.path.join(dest, rel_dir), exist_ok=True)
            shutil.copy2(os.path.join(directory, name), os.path.join(dest, rel_dir, name))
            copied += 1
for required in ("manage.py", "gunicorn.conf.py", "config/wsgi.py", "requirements/production.txt"):
    if not os.path.exists(os.path.join(dest, required)):
        sys.exit(f"FAIL: .dockerignore leaves out {required}")
for unwanted in (".git", ".venv", ".env", "db.sqlite3", "core/tests"):
    if os.path.exists(os.path.join(dest, unwanted)):
        sys.exit(f"FAIL: .dockerignore lets {unwanted} into the image")
print(f"  ok: {copied} files in the build context")
PY
cd "$APP"

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DB_URL="$("$VENV/bin/python" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$DB_NAME")"

# As the Dockerfile does at build time: no database or cache configured, a throwaway key.
log "collectstatic (as in the image build)"
env -i PATH="$PATH" HOME="$WORK" DJANGO_ENV=production ALLOWED_HOSTS=build.invalid \
  SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789abcdef \
  STATIC_ROOT="$WORK/staticfiles" \
  "$VENV/bin/python" manage.py collectstatic --noinput --verbosity 0

log "database $DB_NAME"
admin_sql "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
admin_sql "CREATE DATABASE $DB_NAME"
DB_CREATED=1

# The environment the container gets from .env, with throwaway values.
export DJANGO_ENV=production
SECRET_KEY="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=https://localhost
export CORS_ALLOWED_ORIGINS=https://localhost
export DATABASE_URL="$DB_URL"
export REDIS_URL="$REDIS_URL_SMOKE"
export CACHE_KEY_PREFIX="flix-smoke-$$"
export CELERY_BROKER_URL="$REDIS_URL_SMOKE"
export STATIC_ROOT="$WORK/staticfiles"
export MEDIA_ROOT="$WORK/media"
export LOG_FORMAT=json
export PORT
export GUNICORN_WORKERS=2
export GUNICORN_THREADS=2
export PYTHONDONTWRITEBYTECODE=1
unset SENTRY_DSN DEBUG SQLITE_PATH SECURE_SSL_REDIRECT LOG_REQUESTS

log "check --deploy"
"$VENV/bin/python" manage.py check --deploy --fail-level WARNING
log "migrate"
"$VENV/bin/python" manage.py migrate --noinput --verbosity 0

log "gunicorn on 127.0.0.1:$PORT"
"$VENV/bin/gunicorn" --config gunicorn.conf.py config.wsgi:application >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!

"$VENV/bin/python" - "http://127.0.0.1:$PORT" <<'PY'
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
    print(f"  ok: {message}")


deadline = time.monotonic() + 60
while True:
    try:
        status, _, body = call("GET", "/health/ready")
        if status == 200:
            break
    except OSError:
        status, body = None, b""
    if time.monotonic() > deadline:
        sys.exit(f"FAIL: /health/ready did not answer 200 within 60 s (last: {status} {body[:300]!r})")
    time.sleep(0.5)
ready = json.loads(body)
expect(ready["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}, f"/health/ready 200 {ready}")

status, _, _ = call("GET", "/health/live")
expect(status == 200, "/health/live 200")
status, _, _ = call("GET", "/health/")
expect(status == 200, "/health/ 200")

# Probes come by IP over plain HTTP: no Host match, no X-Forwarded-Proto.
plain = urllib.request.Request(base + "/health/ready", headers={"Host": "10.1.2.3:8000"})
with urllib.request.urlopen(plain, timeout=10) as response:
    expect(response.status == 200, "/health/ready answers a probe with a foreign Host over http")

status_http = urllib.request.Request(base + "/api/movies/", headers={"Host": "localhost"})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


try:
    urllib.request.build_opener(NoRedirect).open(status_http, timeout=10)
    expect(False, "plain http is redirected to https")
except urllib.error.HTTPError as error:
    expect(
        error.code == 301 and error.headers["Location"].startswith("https://"),
        "plain http is redirected to https",
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
tokens = json.loads(body)
access = tokens["access"]

status, headers, body = call("GET", "/api/users/me/", headers={"Authorization": f"Bearer {access}"})
expect(status == 200 and json.loads(body)["username"] == username, "GET /api/users/me/ with the access token")
expect(len(headers.get("X-Request-ID", "")) == 32, "a request id is generated when none is sent")

status, _, _ = call("GET", "/api/users/me/")
expect(status == 401, "GET /api/users/me/ without a token is 401")

status, headers, _ = call("GET", "/static/admin/css/base.css")
expect(status == 200 and "text/css" in headers.get("Content-Type", ""), "static files served by whitenoise")
PY

log "stopping gunicorn"
kill -TERM "$GUNICORN_PID"
if ! wait "$GUNICORN_PID"; then
  log "gunicorn did not exit cleanly on SIGTERM"
  exit 1
fi
GUNICORN_PID=""

# Every line gunicorn and Django wrote must be a JSON object; access lines carry the request id.
"$VENV/bin/python" - "$WORK/gunicorn.log" <<'PY'
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
