#!/usr/bin/env bash
# `npm run chaos -- [options]`: on a fresh clone it installs the dependencies if needed,
# brings the local Kafka, MariaDB and Redis up (idempotent), builds the orchestrator and the
# example services, then runs the chaos harness (tools/stack/src/chaos): two orchestrators
# and the three services under a run prefix of their own, place-order sagas under a seeded
# schedule of faults (SIGKILLs, a frozen participant, Redis loss, a Kafka broker restart),
# and the invariants checked from the databases. Exits 1 on any violation. `--help` lists
# the options. The run's databases, topics and Redis keys are removed afterwards unless
# `--keep` is given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prepare-examples.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node tools/stack/dist/chaos/main.js "$@"
