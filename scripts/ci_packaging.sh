#!/usr/bin/env bash
# Packaging checks: hadolint on the Dockerfile (and the base-image stand-ins'), `docker-compose config` on the compose file (with a
# .env made from .env.example in a temp copy), actionlint on the workflows. The image itself is
# built and run by `make image image-smoke compose-smoke` (scripts/image_build.sh and the others).
# Runs every check, then exits non-zero if any failed. Tools come from .venv/bin (requirements/dev.txt).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
BIN="${VENV_BIN:-$ROOT/.venv/bin}"

failed=()

step() {
  local name="$1"
  shift
  echo "== $name"
  if "$@"; then
    echo "-- $name: ok"
  else
    echo "-- $name: FAILED"
    failed+=("$name")
  fi
}

compose_config() {
  local tmp status
  tmp="$(mktemp -d)"
  cp docker-compose.yml "$tmp/"
  cp .env.example "$tmp/.env"
  "$BIN/docker-compose" --project-directory "$tmp" -f "$tmp/docker-compose.yml" config --quiet
  status=$?
  rm -rf "$tmp"
  return "$status"
}

for tool in hadolint docker-compose actionlint; do
  if [[ ! -x "$BIN/$tool" ]]; then
    echo "missing $BIN/$tool: install requirements/dev.txt into .venv" >&2
    exit 2
  fi
done

step "hadolint Dockerfile" "$BIN/hadolint" --failure-threshold style Dockerfile scripts/standins/*.Containerfile
step "docker-compose config" compose_config
step "actionlint" "$BIN/actionlint"

if ((${#failed[@]})); then
  echo "packaging checks failed: ${failed[*]}"
  exit 1
fi
echo "packaging checks passed"
