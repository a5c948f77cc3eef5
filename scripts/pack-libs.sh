#!/usr/bin/env bash
# Builds every library and packs each into a tarball npm can install: `npm run pack:libs`
# writes them to dist/packs (or the folder given), one per lib, named
# sagaflow-<lib>-<version>.tgz.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(mkdir -p "${1:-dist/packs}" && cd "${1:-dist/packs}" && pwd)"
NX_DAEMON=false npx nx run-many -t build --projects='libs/*' --output-style=static
for lib in libs/*/; do
  (cd "$lib" && npm pack --silent --pack-destination "$out")
done
