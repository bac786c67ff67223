#!/usr/bin/env bash
# `make image`: build the FlixReview image with Docker when an engine answers, else with podman
# (`--format docker`, so that the HEALTHCHECK is kept), tagged flixreview:VERSION (pyproject.toml),
# flixreview:REVISION (the git commit, "-dirty" with uncommitted changes) and flixreview:latest.
# The base images come from scripts/base_images.sh: pulled, or stand-ins made from Debian
# packages when no registry can be reached. The layer cache is the engine's own, so a second
# build reuses every layer that did not change.
#
# Environment:
#   PIP_CA_BUNDLE   a CA bundle (PEM) that pip in the build must trust, e.g. behind a
#                   TLS-inspecting proxy; handed in as a build secret, never stored in the image.
#                   Default: the bundle the host's own pip is set to use (PIP_CERT, or `cert` in
#                   pip.conf), if any. PIP_CA_BUNDLE=none passes nothing.
#   IMAGE_NAME      [flixreview]
#   FLIX_BASE_IMAGES, DEBIAN_MIRROR: see scripts/base_images.sh
#   CONTAINER_ENGINE, CONTAINERS_CONF: see scripts/containers.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_NAME=image
# shellcheck source=scripts/containers.sh
source "$ROOT/scripts/containers.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flix-image.XXXXXX")"
cleanup() {
  local status=$?
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
engine_init

IMAGE_NAME="${IMAGE_NAME:-flixreview}"
VERSION="$(project_version)"
REVISION="$(project_revision)"
[[ -n "$VERSION" ]] || die "no version in pyproject.toml"

bash "$ROOT/scripts/base_images.sh"

ca_bundle="${PIP_CA_BUNDLE:-${PIP_CERT:-}}"
if [[ -z "$ca_bundle" ]]; then
  ca_bundle="$(python3 -m pip config get global.cert 2>/dev/null || true)"
fi
args=(build --file "$ROOT/Dockerfile"
  --tag "$IMAGE_NAME:$VERSION" --tag "$IMAGE_NAME:$REVISION" --tag "$IMAGE_NAME:latest"
  --label "org.opencontainers.image.version=$VERSION" --label "org.opencontainers.image.revision=$REVISION")
if [[ -n "$ca_bundle" && "$ca_bundle" != none ]]; then
  [[ -f "$ca_bundle" ]] || die "PIP_CA_BUNDLE $ca_bundle is not a file"
  log "pip in the build trusts $ca_bundle (build secret pip_ca, not kept in the image)"
  args+=(--secret "id=pip_ca,src=$ca_bundle")
fi
if [[ "$CONTAINER_ENGINE" == podman ]]; then
  # base_images.sh has the base images ready (pulled or stand-ins): no registry is asked again.
  args+=(--format docker --pull=never --layers)
fi

log "building $IMAGE_NAME:$VERSION and $IMAGE_NAME:$REVISION with $CONTAINER_ENGINE"
started=$SECONDS
engine "${args[@]}" "$ROOT"
log "built in $((SECONDS - started)) s: $IMAGE_NAME:$VERSION, $IMAGE_NAME:$REVISION, $IMAGE_NAME:latest"
engine image inspect --format '{{ .Size }}' "$IMAGE_NAME:$REVISION" |
  awk '{ printf "[image] size: %.0f MB\n", $1 / 1000000 }'
standin="$(image_label "$IMAGE_NAME:$REVISION" org.flixreview.stand-in)"
if [[ -n "$standin" ]]; then
  shout "$IMAGE_NAME:$REVISION is built on a STAND-IN base image ($standin), not python:3.11-slim" \
    "from a registry: fine for testing here, not for a release."
fi
