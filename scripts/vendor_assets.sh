#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm versions pinned in package.json / package-lock.json.
# The copies are committed, so neither `make run` nor `make test` needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
cp node_modules/htmx.org/dist/htmx.min.js web/static/web/vendor/htmx.min.js
cp node_modules/htmx.org/LICENSE web/static/web/vendor/htmx.LICENSE
cp node_modules/axe-core/axe.min.js web/tests/vendor/axe.min.js
cp node_modules/axe-core/LICENSE web/tests/vendor/axe.LICENSE
node -e 'const p=require("./package-lock.json").packages; for (const n of ["htmx.org","axe-core"]) console.log(n, p["node_modules/"+n].version)' \
  > web/static/web/vendor/VERSIONS
echo "vendored: $(tr '\n' ' ' < web/static/web/vendor/VERSIONS)"
