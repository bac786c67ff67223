#!/bin/bash
# As the official redis image: redis-server runs as the redis user, reachable from other
# containers without a password (the official build turns protected mode off).
set -euo pipefail

if [[ "${1:-}" == redis-server ]]; then
  set -- "$@" --protected-mode no
  if [[ "$(id -u)" == 0 ]]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
