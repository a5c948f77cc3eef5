#!/usr/bin/env bash
# Stops what infra/up.sh started (Kafka always; MariaDB and Redis only if up.sh had to
# start them). Services that were already running before up.sh are left alone.
# Data stays in infra/.local; `infra/down.sh --purge` also deletes it.
#
#   infra/down.sh                 stop all three
#   infra/down.sh kafka           stop only the broker (infra/up.sh starts it again)
#   infra/down.sh --purge         stop all three and delete their local data
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

services=()
purge=false
for arg in "$@"; do
  case "$arg" in
    --purge) purge=true ;;
    kafka | mysql | redis) services+=("$arg") ;;
    *) fail "usage: infra/down.sh [kafka|mysql|redis]... [--purge] (got '$arg')" ;;
  esac
done
[[ ${#services[@]} -gt 0 ]] || services=(kafka mysql redis)

for service in "${services[@]}"; do
  case "$service" in
    kafka) stop_pidfile kafka "$KAFKA_DIR/kafka.pid" 45 ;;
    mysql) stop_pidfile mysql "$MYSQL_DIR/server.pid" 30 ;;
    redis) stop_pidfile redis "$REDIS_DIR/server.pid" 10 ;;
  esac
done

if [[ "$purge" == true ]]; then
  rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/logs" "$KAFKA_DIR/cluster.id" "$MYSQL_DIR" "$REDIS_DIR"
  log "purged local data (jars kept)"
fi
