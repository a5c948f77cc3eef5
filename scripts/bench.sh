#!/usr/bin/env bash
# `npm run bench -- [options]`: on a fresh clone it installs the dependencies if needed,
# brings the local Kafka, MariaDB and Redis up (idempotent), builds the orchestrator and the
# example services, then runs the benchmark (tools/stack/src/bench): the place-order saga
# driven closed-loop at 16, 64 and 256 sagas in flight, one JSON line and a table row per
# level, the databases checked after each level. `--compare` also runs the peer benchmark.
# `--help` lists the options. The run's databases, topics and Redis keys are removed afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prepare-examples.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node tools/stack/dist/bench/main.js "$@"
