# Shared helpers for infra/up.sh, infra/down.sh and infra/status.sh. Sourced, not run.
#
# Everything the scripts create lives under infra/.local (git-ignored): the Kafka jars,
# broker data and logs, and — when this script had to start them — MariaDB and Redis.
# A service is stopped by down.sh only if its pid file is there, i.e. up.sh started it.

set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$INFRA_DIR/.." && pwd)"
LOCAL_DIR="$INFRA_DIR/.local"

KAFKA_HOST=127.0.0.1
KAFKA_PORT="${SAGAFLOW_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${SAGAFLOW_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_PORT="${SAGAFLOW_KAFKA_SASL_PORT:-9094}"
MYSQL_HOST=127.0.0.1
MYSQL_PORT="${SAGAFLOW_MYSQL_PORT:-3306}"
REDIS_HOST=127.0.0.1
REDIS_PORT="${SAGAFLOW_REDIS_PORT:-6379}"

KAFKA_DIR="$LOCAL_DIR/kafka"
MYSQL_DIR="$LOCAL_DIR/mysql"
REDIS_DIR="$LOCAL_DIR/redis"

# Databases the project uses: the orchestrator's, one per example service, and the one
# integration tests create their tables in.
DATABASES=(sagaflow sagaflow_orders sagaflow_payments sagaflow_inventory sagaflow_test)

# Bounded waits, in seconds.
KAFKA_START_TIMEOUT="${SAGAFLOW_KAFKA_START_TIMEOUT:-90}"
SERVICE_START_TIMEOUT="${SAGAFLOW_SERVICE_START_TIMEOUT:-60}"

log() { printf '[infra] %s\n' "$*"; }
fail() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# True when something accepts TCP connections on host:port.
port_open() {
  local host="$1" port="$2"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# The pid recorded in a pid file, if that process is alive.
live_pid() {
  local file="$1" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}

# Waits until "$@" succeeds, at most $timeout seconds. Returns non-zero on timeout.
wait_until() {
  local timeout="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Stops the process in a pid file: TERM, then KILL after $grace seconds.
stop_pidfile() {
  local name="$1" file="$2" grace="${3:-30}" pid
  if ! pid="$(live_pid "$file")"; then
    rm -f "$file"
    log "$name: not started by infra/up.sh, leaving it alone"
    return 0
  fi
  log "$name: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$grace" bash -c "! kill -0 $pid 2>/dev/null"; then
    log "$name: still running after ${grace}s, killing"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 bash -c "! kill -0 $pid 2>/dev/null" || true
  fi
  rm -f "$file"
  log "$name: stopped"
}

first_command() {
  local c
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

mysql_client() { first_command mariadb mysql; }
