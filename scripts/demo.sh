#!/usr/bin/env bash
# `npm run demo` and `npm run demo -- --once`: on a fresh clone it installs the dependencies
# if needed, brings the local Kafka, MariaDB and Redis up (idempotent), builds the
# orchestrator and the example services, then runs the demo (tools/stack/src/demo): the
# orchestrator and the order, payment and inventory services as separate processes, a few
# hundred place-order sagas with a progress display, and a summary table. `--help` lists the
# options.
#
# The demo resets its own state at each start: it drops the databases sagaflow,
# sagaflow_orders, sagaflow_payments and sagaflow_inventory, and deletes the topics and
# consumer groups prefixed "sagaflow.demo." and the Redis keys prefixed "sagaflow:demo:".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/prepare-examples.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node tools/stack/dist/demo/main.js "$@"
