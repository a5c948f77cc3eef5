#!/usr/bin/env bash
# `npm run bench -- [options]`: on a fresh clone it installs the dependencies if needed,
# brings the local Kafka, MariaDB and Redis up (idempotent), builds the orchestrator and the
# example services, then runs the benchmark (apps/examples/src/bench): the place-order saga
# driven closed-loop at 16, 64 and 256 sagas in flight, one JSON line and a table row per
# level, the databases checked after each level. `--compare` also runs the peer benchmark.
# `--help` lists the options. The run's databases, topics and Redis keys are removed afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
export KAFKAJS_NO_PARTITIONER_WARNING=1

bash scripts/ensure-deps.sh
bash infra/up.sh
echo '[bench] building the orchestrator and the example services'
npx nx run-many -t build -p @sagaflow/orchestrator @sagaflow/examples --output-style=static
exec node apps/examples/dist/bench/main.js "$@"
