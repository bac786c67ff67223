#!/usr/bin/env bash
# The base images the Dockerfile and docker-compose.yml name (python:3.11-slim, postgres:15,
# redis:7): each one already in the engine's store is kept; a missing one is pulled. When a pull
# fails (no registry reachable: an air-gapped host, a firewall), a stand-in is made from Debian
# bookworm packages and tagged with the very same name, and that is said loudly on every run:
#   debian:bookworm-slim  debootstrap --variant=minbase from the Debian mirror, imported
#   python:3.11-slim      Debian's python3.11 with pip, setuptools and wheel in /usr/local
#   postgres:15, redis:7  Debian's postgresql-15 and redis-server with the official images'
#                         entry point behaviour (scripts/standins/)
# Stand-ins catch Dockerfile, dependency and runtime errors, not every difference from the
# official images (Debian's Python 3.11.x is older than the official image's).
#
# Environment:
#   FLIX_BASE_IMAGES   auto: keep, else pull, else make a stand-in [default]; pull: never make
#                      stand-ins; standin: make stand-ins without trying to pull
#   DEBIAN_MIRROR      for debootstrap and apt in the stand-ins [the host's apt mirror, else
#                      http://deb.debian.org/debian]; DEBIAN_SECURITY_MIRROR likewise
#   CONTAINER_ENGINE, CONTAINERS_CONF: see scripts/containers.sh
# debootstrap needs root and `apt-get install debootstrap`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_NAME=base-images
# shellcheck source=scripts/containers.sh
source "$ROOT/scripts/containers.sh"

MODE="${FLIX_BASE_IMAGES:-auto}"
case "$MODE" in auto | pull | standin) ;; *) die "FLIX_BASE_IMAGES must be auto, pull or standin, not '$MODE'" ;; esac
STANDIN_LABEL=org.flixreview.stand-in
DEBIAN_IMAGE=docker.io/debian:bookworm-slim

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flix-base.XXXXXX")"
cleanup() {
  local status=$?
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
engine_init

# docker.io/NAME:TAG for a short name: what Docker makes of it, and a name podman does not put
# under localhost/ when it tags a stand-in.
qualified() {
  if [[ "$1" == */* && "${1%%/*}" == *.* ]]; then echo "$1"; else echo "docker.io/$1"; fi
}

# The base images named by the Dockerfile (ARG PYTHON_IMAGE) and the compose file (image: ...).
wanted_images() {
  sed -n 's/^ARG PYTHON_IMAGE=//p' "$ROOT/Dockerfile"
  sed -n 's/^ *image: *\([^ ]*\) *$/\1/p' "$ROOT/docker-compose.yml" | grep -v '^flixreview'
}

try_pull() {
  [[ "$MODE" == standin ]] && return 1
  log "pulling $1"
  engine pull --quiet "$1" >"$WORK/pull.log" 2>&1 && return 0
  log "cannot pull $1: $(tail -n 1 "$WORK/pull.log")"
  return 1
}

# The host's apt mirror for a suite, from /etc/apt/sources.list(.d).
host_mirror() {
  python3 - "$1" <<'PY'
import glob
import re
import sys

suite = sys.argv[1]
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(path, encoding="utf-8").read()):
        fields = dict(re.findall(r"^([A-Za-z-]+):\s*(.*)$", stanza, flags=re.M))
        if "deb" in fields.get("Types", "").split() and suite in fields.get("Suites", "").split():
            print(fields["URIs"].split()[0])
            sys.exit()
for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        continue
    for line in lines:
        parts = re.sub(r"\[[^]]*\]", "", line).split()
        if len(parts) >= 3 and parts[0] == "deb" and parts[2] == suite:
            print(parts[1])
            sys.exit()
PY
}

make_debian_standin() {
  local mirror security rootfs
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is needed for the stand-ins: apt-get install debootstrap"
  mirror="${DEBIAN_MIRROR:-$(host_mirror bookworm)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  security="${DEBIAN_SECURITY_MIRROR:-$(host_mirror bookworm-security)}"
  security="${security:-http://deb.debian.org/debian-security}"
  rootfs="$WORK/rootfs"
  log "debootstrap bookworm from $mirror (a minute or two)"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  # As the official slim image: no documentation, manuals or translations, no package caches.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/slim" <<'EOF'
APT::Install-Recommends "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Acquire::Languages "none";
EOF
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" >"$rootfs/etc/apt/sources.list"
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
    "$rootfs"/var/log/* "$rootfs"/tmp/*
  tar --numeric-owner -C "$rootfs" -c . |
    engine import --change 'CMD ["bash"]' --change "LABEL $STANDIN_LABEL=debootstrap-bookworm" - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

ensure_debian() {
  image_exists "$DEBIAN_IMAGE" && return
  try_pull "$DEBIAN_IMAGE" && return
  [[ "$MODE" == pull ]] && die "cannot pull $DEBIAN_IMAGE (FLIX_BASE_IMAGES=pull)"
  make_debian_standin
}

make_standin() {
  local image="$1" recipe
  case "$image" in
    docker.io/python:3.11-slim*) recipe=python ;;
    docker.io/postgres:15 | docker.io/postgres:15-*) recipe=postgres ;;
    docker.io/redis:7 | docker.io/redis:7-*) recipe=redis ;;
    *) die "cannot pull $image and there is no stand-in for it (scripts/standins/)" ;;
  esac
  ensure_debian
  log "building the stand-in $image from Debian packages"
  local args=(build --tag "$image" --label "$STANDIN_LABEL=debian-bookworm-$recipe"
    --file "$ROOT/scripts/standins/$recipe.Containerfile")
  [[ "$CONTAINER_ENGINE" == podman ]] && args+=(--format docker --pull=never)
  if ! engine "${args[@]}" "$ROOT/scripts/standins" >"$WORK/build-$recipe.log" 2>&1; then
    tail -n 40 "$WORK/build-$recipe.log" >&2
    die "the stand-in $image did not build"
  fi
}

standins=()
while read -r name; do
  image="$(qualified "$name")"
  if ! image_exists "$image"; then
    if ! try_pull "$image"; then
      [[ "$MODE" == pull ]] && die "cannot pull $image (FLIX_BASE_IMAGES=pull)"
      make_standin "$image"
    fi
  fi
  if [[ -n "$(image_label "$image" "$STANDIN_LABEL")" ]]; then
    standins+=("$name")
  fi
  log "$name: ok"
done < <(wanted_images)

if ((${#standins[@]})); then
  shout "STAND-IN BASE IMAGES: ${standins[*]} are not the official images." \
    "They were made from Debian bookworm packages because no registry could be reached." \
    "Images built on them are for testing here; build releases on the official images" \
    "(remove the stand-ins: $CONTAINER_ENGINE rmi ${standins[*]} $DEBIAN_IMAGE)."
fi
