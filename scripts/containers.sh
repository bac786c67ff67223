# shellcheck shell=bash
# Sourced by the image scripts (image_build.sh, base_images.sh, image_smoke.sh, compose_smoke.sh):
# which container engine to use, and the settings podman needs on a host without systemd.
#
#   CONTAINER_ENGINE   docker or podman; default: docker when `docker info` answers, else podman
#   CONTAINERS_CONF    podman: your own containers.conf; default: one written for this host
#                      (runc when crun is missing, ulimits within the host's hard limits, file
#                      events logger and cgroupfs without systemd)
#
# Callers set LOG_NAME and WORK (a temp dir they remove on exit) before calling engine_init.

log() { printf '[%s] %s\n' "${LOG_NAME:-image}" "$*"; }
die() {
  printf '[%s] ERROR: %s\n' "${LOG_NAME:-image}" "$*" >&2
  exit 1
}

# A message nobody should miss: the base images are stand-ins, not the official ones.
shout() {
  local line
  printf '\n' >&2
  printf '%s\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
  for line in "$@"; do printf '!!! %s\n' "$line" >&2; done
  printf '%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
}

engine_init() {
  if [[ -z "${CONTAINER_ENGINE:-}" ]]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
      CONTAINER_ENGINE=docker
    elif command -v podman >/dev/null 2>&1; then
      CONTAINER_ENGINE=podman
    else
      die "no container engine: start Docker, or install podman (apt-get install podman buildah runc)"
    fi
  fi
  case "$CONTAINER_ENGINE" in
    docker | podman) ;;
    *) die "CONTAINER_ENGINE must be docker or podman, not '$CONTAINER_ENGINE'" ;;
  esac
  if [[ "$CONTAINER_ENGINE" == podman && -z "${CONTAINERS_CONF:-}" ]]; then
    podman_conf_write "$WORK/containers.conf"
    export CONTAINERS_CONF="$WORK/containers.conf"
  fi
  export CONTAINER_ENGINE
}

engine() { "$CONTAINER_ENGINE" "$@"; }

podman_conf_write() {
  local nofile nproc
  nofile="$(ulimit -Hn)"
  nproc="$(ulimit -Hu)"
  # podman's defaults (1048576 open files) fail with "setrlimit: Operation not permitted" above
  # the host's hard limits; so does a process limit near the host's (32768 is plenty).
  [[ "$nofile" == unlimited || "$nofile" -gt 1048576 ]] && nofile=1048576
  [[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
  {
    echo "[containers]"
    echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
    echo "[engine]"
    echo 'events_logger = "file"'
    # crun rejects hosts with a hybrid cgroup v1/v2 layout; runc runs there.
    if command -v runc >/dev/null 2>&1; then echo 'runtime = "runc"'; fi
    if [[ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]]; then echo 'cgroup_manager = "cgroupfs"'; fi
  } >"$1"
}

image_exists() {
  if [[ "$CONTAINER_ENGINE" == podman ]]; then
    podman image exists "$1"
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

# The image's label value, or nothing.
image_label() {
  { engine image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; } |
    sed 's/^<no value>$//'
}

# The project's version (pyproject.toml) and the git revision the image is built from.
project_version() { awk -F'"' '/^version *=/ { print $2; exit }' "$ROOT/pyproject.toml"; }

project_revision() {
  local rev
  if ! rev="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null)"; then
    echo unknown
    return
  fi
  if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    rev="$rev-dirty"
  fi
  echo "$rev"
}

# Says which revision the image was built from, and whether the work tree has moved on since.
image_revision_note() {
  local built now
  built="$(image_label "$1" org.opencontainers.image.revision)"
  now="$(project_revision)"
  log "$1 was built from revision ${built:-unknown}"
  if [[ -n "$built" && "$built" != "$now" ]]; then
    log "NOTE: the work tree is at $now now; \`make image\` builds that"
  fi
}

# A TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
