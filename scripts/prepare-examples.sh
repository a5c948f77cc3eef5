#!/usr/bin/env bash
# What `npm run demo`, `npm run chaos` and `npm run bench` need before they start: the
# dependencies installed (on a fresh clone), the local Kafka, MariaDB and Redis up
# (idempotent), and the orchestrator, the example services and the stack that runs them
# (tools/stack) built.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash scripts/ensure-deps.sh
bash infra/up.sh
echo '[build] the orchestrator and the example services'
npx nx run-many -t build -p @sagaflow/orchestrator @sagaflow/examples @sagaflow/stack --output-style=static
