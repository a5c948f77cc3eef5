#!/usr/bin/env bash
# Stops what infra/up.sh started (Kafka always; MariaDB and Redis only if up.sh had to
# start them). Services that were already running before up.sh are left alone.
# Data stays in infra/.local; `infra/down.sh --purge` also deletes it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_pidfile kafka "$KAFKA_DIR/kafka.pid" 45
stop_pidfile mysql "$MYSQL_DIR/server.pid" 30
stop_pidfile redis "$REDIS_DIR/server.pid" 10

if [[ "${1:-}" == --purge ]]; then
  rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/logs" "$KAFKA_DIR/cluster.id" "$MYSQL_DIR" "$REDIS_DIR"
  log "purged local data (jars kept)"
fi
