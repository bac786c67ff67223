#!/usr/bin/env bash
# `make compose-smoke`: the compose stack as a user starts it, on the image `make image` built.
#   - docker-compose.yml with .env.example as .env, as the README says (cp .env.example .env),
#     under a project name of its own, web published on a free port (FLIX_HTTP_PORT to choose).
#   - `up --detach --no-build --wait`: db and redis healthy, then migrate exits 0, then web,
#     worker and beat start; web and worker healthy by their own health checks, beat running.
#   - /health/ready through the published port; an API read with the host .env.example names.
#   - The worker runs a task end to end: a small synthetic catalogue is written, web queues a
#     recommendations build (recommendations.tasks.build_recommendations) on the broker, the
#     worker builds and serves the model, whose file web reads from the shared volume, and the
#     API answers a movie's similar movies from it.
#   - `down --volumes` on exit, whatever the outcome, after printing the logs on a failure.
# Docker Compose runs it: with Docker, `docker compose` (or docker-compose); with podman, the
# docker-compose of requirements/dev.txt against a podman API service of its own (podman 4.3 runs
# no health checks without systemd, so this script runs them while the stack starts).
#
# Environment:
#   IMAGE            the image to run; its tag becomes FLIX_IMAGE_TAG [flixreview:latest, the last
#                    `make image`]
#   FLIX_HTTP_PORT   the host port for web [a free one]
#   COMPOSE          the compose command [docker compose, docker-compose, $VENV_BIN/docker-compose]
#   VENV_BIN         the virtualenv's bin directory [.venv/bin]
#   CONTAINER_ENGINE, CONTAINERS_CONF: see scripts/containers.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_NAME=compose-smoke
# shellcheck source=scripts/containers.sh
source "$ROOT/scripts/containers.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flix-compose-smoke.XXXXXX")"
PROJECT="flix-compose-smoke-$$"
SERVICE_PID=""
TICKER_PID=""
STACK_UP=0
compose_cmd=()

compose() {
  "${compose_cmd[@]}" --project-name "$PROJECT" --project-directory "$WORK/project" \
    --file "$WORK/project/docker-compose.yml" "$@"
}

stop_pid() {
  [[ -n "$1" ]] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
}

# A command in the running web container. With podman, through its own CLI: an exec session made
# through podman 4.3's Docker API leaves its conmon process behind.
web_exec() {
  if [[ "$CONTAINER_ENGINE" == podman ]]; then
    podman exec --interactive "$PROJECT-web-1" "$@"
  else
    compose exec -T web "$@"
  fi
}

cleanup() {
  local status=$?
  set +e
  # The health checks stop first: one still running while its container goes leaves a conmon behind.
  stop_pid "$TICKER_PID"
  if [[ "$STACK_UP" -eq 1 ]]; then
    if [[ "$status" -ne 0 ]]; then
      compose ps --all >&2
      compose logs --no-color --tail 80 >&2
    fi
    log "down --volumes"
    compose down --volumes --remove-orphans --timeout 20 >"$WORK/down.log" 2>&1 || cat "$WORK/down.log" >&2
  fi
  stop_pid "$SERVICE_PID"
  rm -rf "$WORK"
  if [[ "$status" -eq 0 ]]; then log "OK"; else log "FAILED (exit $status)"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
engine_init

IMAGE="${IMAGE:-flixreview:latest}"
[[ "$IMAGE" == flixreview:* ]] || die "IMAGE must be a flixreview:TAG image (the compose file runs flixreview:\${FLIX_IMAGE_TAG})"
image_exists "$IMAGE" || die "no image $IMAGE: run \`make image\` first (or set IMAGE)"
image_revision_note "$IMAGE"
export FLIX_IMAGE_TAG="${IMAGE#flixreview:}"
export FLIX_HTTP_PORT="${FLIX_HTTP_PORT:-$(free_port)}"

if [[ -n "${COMPOSE:-}" ]]; then
  read -r -a compose_cmd <<<"$COMPOSE"
elif [[ "$CONTAINER_ENGINE" == docker ]] && docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose_cmd=(docker-compose)
elif [[ -x "${VENV_BIN:-$ROOT/.venv/bin}/docker-compose" ]]; then
  compose_cmd=("${VENV_BIN:-$ROOT/.venv/bin}/docker-compose")
else
  die "no Docker Compose: install requirements/dev.txt into .venv (make install-dev), or set COMPOSE"
fi

if [[ "$CONTAINER_ENGINE" == podman ]]; then
  # Docker Compose speaks to podman's Docker-compatible API, on a socket of this run's own.
  podman system service --time=0 "unix://$WORK/podman.sock" >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  export DOCKER_HOST="unix://$WORK/podman.sock"
  for _ in $(seq 1 50); do [[ -S "$WORK/podman.sock" ]] && break; sleep 0.2; done
  [[ -S "$WORK/podman.sock" ]] || die "the podman API service did not start: $(cat "$WORK/service.log")"
  # Without systemd podman runs no health checks by itself: while the stack starts, run those of
  # its containers that are not healthy yet every 2 s, so that `service_healthy` and --wait work.
  (
    # On TERM, finish the check under way first (bash runs the trap once it has returned).
    trap 'exit 0' TERM
    while true; do
      for name in $(podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'); do
        [[ "$(podman inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null)" == healthy ]] ||
          podman healthcheck run "$name" >/dev/null 2>&1 || true
      done
      sleep 2
    done
  ) &
  TICKER_PID=$!
fi
log "$IMAGE with ${compose_cmd[*]} on $CONTAINER_ENGINE, project $PROJECT, web on port $FLIX_HTTP_PORT"

# What a user does: the compose file beside a .env copied from .env.example.
mkdir -p "$WORK/project"
cp "$ROOT/docker-compose.yml" "$WORK/project/"
cp "$ROOT/.env.example" "$WORK/project/.env"
host="$(sed -n 's/^ALLOWED_HOSTS=\([^,]*\).*/\1/p' "$ROOT/.env.example")"

log "up --detach --no-build --wait"
STACK_UP=1
started=$SECONDS
compose up --detach --no-build --wait --wait-timeout 300
log "stack up and healthy in $((SECONDS - started)) s"
stop_pid "$TICKER_PID"
TICKER_PID=""
compose ps --all --format '{{.Service}}: {{.State}} {{.Status}}' 2>/dev/null || compose ps --all

# Every long-running service is up, migrate exited 0; web and worker report healthy.
compose ps --all --format json >"$WORK/ps.json"
python3 - "$WORK/ps.json" <<'PY'
import json
import sys

text = open(sys.argv[1]).read().strip()
rows = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line]
services = {row["Service"]: row for row in rows}


def expect(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"  ok: {message}")


missing = {"db", "redis", "migrate", "web", "worker", "beat"} - set(services)
expect(not missing, f"all six services were created {sorted(missing) if missing else ''}".rstrip())
for name in ("db", "redis", "web", "worker"):
    expect(services[name].get("Health") == "healthy", f"{name} healthy ({services[name].get('Status')})")
expect(services["beat"]["State"] == "running", f"beat running ({services['beat'].get('Status')})")
migrate = services["migrate"]
expect(migrate["State"] == "exited" and migrate.get("ExitCode") == 0, f"migrate exited 0 ({migrate.get('Status')})")
PY

python3 - "http://127.0.0.1:$FLIX_HTTP_PORT" "$host" <<'PY'
import json
import sys
import urllib.request

base, host = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(base + "/health/ready", timeout=10) as response:
    body = json.loads(response.read())
if body.get("checks") != {"database": "ok", "cache": "ok", "broker": "ok"}:
    sys.exit(f"FAIL: /health/ready {body}")
print(f"  ok: /health/ready through the published port {body}")
request = urllib.request.Request(base + "/api/genres/", headers={"Host": host, "X-Forwarded-Proto": "https"})
with urllib.request.urlopen(request, timeout=10) as response:
    print(f"  ok: GET /api/genres/ as {host} {response.status}")
PY

log "a recommendations build run by the worker"
web_exec python manage.py generate_synthetic_catalogue --movies 300 --users 60 --reviews 3000 --verbosity 0
web_exec python manage.py shell --no-imports --command '
import os
import time

from django.conf import settings

from movies.models import Movie
from recommendations.models import ModelVersion, RecommenderState
from recommendations.tasks import build_recommendations

assert settings.CELERY_BROKER_URL, "web has no broker: the task would not reach the worker"
before = set(ModelVersion.objects.values_list("pk", flat=True))
build_recommendations.delay()
deadline = time.monotonic() + 180
while True:
    state = RecommenderState.objects.select_related("active_version").filter(pk=RecommenderState.SINGLETON_PK).first()
    if state is not None and state.active_version_id and state.active_version_id not in before:
        break
    if time.monotonic() > deadline:
        raise SystemExit("FAIL: the worker served no new recommendations model within 180 s")
    time.sleep(1)
version = state.active_version
movie_id = Movie.objects.order_by("pk").values_list("pk", flat=True).first()
if version.review_count != 3000 or version.collaborative == "none":
    raise SystemExit(f"FAIL: unexpected model {version} from {version.review_count} reviews")
print(f"  ok: the worker built and serves {version} in {version.build_seconds:.1f} s")
if not os.path.exists(os.path.join(settings.RECOMMENDER_MODEL_DIR, version.artefact)):
    raise SystemExit("FAIL: web does not see the model file in the shared recommender volume")
print(f"  ok: web reads {version.artefact} from the shared recommender volume")
print(f"MOVIE_ID={movie_id}")
' | tee "$WORK/task.out" | grep -v '^MOVIE_ID='
movie_id="$(sed -n 's/^MOVIE_ID=//p' "$WORK/task.out")"
compose logs --no-color worker >"$WORK/worker.log" 2>&1
grep -q 'recommendations model [0-9]* is now served' "$WORK/worker.log" ||
  die "the worker's log does not say it served the model"
echo "  ok: the worker's log says it served the model"

python3 - "http://127.0.0.1:$FLIX_HTTP_PORT" "$host" "$movie_id" <<'PY'
import json
import sys
import urllib.request

base, host, movie_id = sys.argv[1], sys.argv[2], sys.argv[3]
request = urllib.request.Request(
    f"{base}/api/movies/{movie_id}/similar/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
with urllib.request.urlopen(request, timeout=10) as response:
    body = json.loads(response.read())
results = body.get("results", body) if isinstance(body, dict) else body
if not results:
    sys.exit(f"FAIL: no similar movies for movie {movie_id}: {body}")
print(f"  ok: GET /api/movies/{movie_id}/similar/ answers {len(results)} movies from the new model")
PY
