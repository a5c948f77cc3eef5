#!/usr/bin/env bash
# `npm run bench:kafka-clients -- [options]`: measures the Kafka clients named in BENCHMARKS.md
# (kafkajs, @platformatic/kafka 1.x, @confluentinc/kafka-javascript) on the hot path's pattern
# against the local broker, one JSON line per client (scripts/kafka-clients/bench.cjs; --help).
# The clients are installed into infra/.local/kafka-clients, outside the project's
# dependencies. @confluentinc/kafka-javascript builds librdkafka from source against the
# system's libraries (its prebuilt binary and its bundled dependencies' sources are
# downloaded from hosts a closed network cannot reach); when that build fails, the other two
# are measured and the reason is printed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash infra/up.sh >/dev/null
dir=infra/.local/kafka-clients
mkdir -p "$dir"
cp scripts/kafka-clients/bench.cjs "$dir/bench.cjs"
cd "$dir"
[ -f package.json ] || printf '{ "name": "kafka-clients-bench", "private": true }\n' >package.json
if [ ! -d node_modules/kafkajs ] || [ ! -d node_modules/@platformatic/kafka ]; then
  npm install --no-audit --no-fund --loglevel=error kafkajs@2.2.4 @platformatic/kafka@1.35.0
fi
if [ ! -d node_modules/@confluentinc/kafka-javascript ]; then
  if ! CKJS_LINKING=dynamic npm install --no-audit --no-fund --loglevel=error \
    @confluentinc/kafka-javascript@1.10.1 >confluent-install.log 2>&1; then
    echo "@confluentinc/kafka-javascript did not build (needs libssl-dev, libzstd-dev," \
      "liblz4-dev, libcurl4-openssl-dev and zlib1g-dev): $dir/confluent-install.log" >&2
  fi
fi
exec node bench.cjs "$@"
