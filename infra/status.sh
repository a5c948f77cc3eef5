#!/usr/bin/env bash
# Tells what runs: for each service, whether its port answers, whether infra/up.sh
# started it (and its pid), and where its log is. Exits non-zero if any is down.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

down=0
report() {
  local name="$1" host="$2" port="$3" pidfile="$4" logfile="$5" pid owner
  if pid="$(live_pid "$pidfile")"; then owner="started by infra/up.sh, pid $pid, log $logfile"; else owner="not started by infra/up.sh"; fi
  if port_open "$host" "$port"; then
    printf '%-6s up    %s:%s (%s)\n' "$name" "$host" "$port" "$owner"
  else
    printf '%-6s DOWN  %s:%s (%s)\n' "$name" "$host" "$port" "$owner"
    down=1
  fi
}

report kafka "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_DIR/kafka.pid" "$KAFKA_DIR/logs/server.log"
report mysql "$MYSQL_HOST" "$MYSQL_PORT" "$MYSQL_DIR/server.pid" "$MYSQL_DIR/server.log"
report redis "$REDIS_HOST" "$REDIS_PORT" "$REDIS_DIR/server.pid" "$REDIS_DIR/redis.log"
exit "$down"
