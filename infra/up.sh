#!/usr/bin/env bash
# Brings up the local infrastructure Sagaflow needs, without Docker:
#   - Apache Kafka (single-node KRaft) on 127.0.0.1:9092 (and 127.0.0.1:9094, a listener
#     that needs SASL PLAIN, for the clients' SASL tests), from jars fetched once from
#     Maven Central by infra/kafka/pom.xml; a broker it started is restarted when
#     infra/kafka/server.properties changed;
#   - MariaDB/MySQL on 127.0.0.1:3306 and Redis on 127.0.0.1:6379, started only if
#     nothing listens on those ports already;
# then waits (bounded) for each to be ready and creates the project's databases.
# Idempotent: run it as often as you like. infra/down.sh stops only what this started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$LOCAL_DIR"

# ---------------------------------------------------------------------------- Kafka --

kafka_jars() {
  local libs="$KAFKA_DIR/libs" stamp="$KAFKA_DIR/libs.sha256" want
  want="$(sha256sum "$INFRA_DIR/kafka/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$libs/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v java >/dev/null || fail "Java is not installed: Kafka needs a Java 17+ runtime (java on PATH)."
  command -v mvn >/dev/null || fail "Maven is not installed: it fetches the Kafka jars (mvn on PATH)."
  log "kafka: fetching broker jars from Maven Central (once)"
  rm -rf "$libs"
  mkdir -p "$libs"
  if ! mvn -q -B -f "$INFRA_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >"$KAFKA_DIR/maven.log" 2>&1; then
    tail -n 30 "$KAFKA_DIR/maven.log" >&2
    fail "kafka: Maven could not fetch the broker jars (full log: $KAFKA_DIR/maven.log)"
  fi
  printf '%s' "$want" >"$stamp"
}

# A small heap: the broker shares 2 cores and the machine with the tests.
KAFKA_JVM_OPTS=(-Xms128m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=file:$INFRA_DIR/kafka/log4j2.properties")

kafka_java() { java "${KAFKA_JVM_OPTS[@]}" -cp "$KAFKA_DIR/libs/*" "$@"; }

kafka_render() {
  sed -e "s#@DATA_DIR@#$KAFKA_DIR/data#" \
    -e "s#127.0.0.1:9092#127.0.0.1:$KAFKA_PORT#g" \
    -e "s#127.0.0.1:9093#127.0.0.1:$KAFKA_CONTROLLER_PORT#g" \
    -e "s#127.0.0.1:9094#127.0.0.1:$KAFKA_SASL_PORT#g" \
    "$INFRA_DIR/kafka/server.properties"
}

kafka_config() {
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  kafka_render >"$KAFKA_DIR/server.properties"
}

# True when the broker runs with another configuration than infra/kafka/server.properties
# gives now (a listener added, say).
kafka_config_changed() {
  ! kafka_render | cmp -s - "$KAFKA_DIR/server.properties"
}

kafka_format() {
  [[ -f "$KAFKA_DIR/data/meta.properties" ]] && return 0
  local cluster_id
  if [[ -f "$KAFKA_DIR/cluster.id" ]]; then
    cluster_id="$(cat "$KAFKA_DIR/cluster.id")"
  else
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    printf '%s' "$cluster_id" >"$KAFKA_DIR/cluster.id"
  fi
  log "kafka: formatting storage (cluster $cluster_id)"
  if ! kafka_java kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$KAFKA_DIR/server.properties" --ignore-formatted >"$KAFKA_DIR/logs/format.log" 2>&1; then
    tail -n 20 "$KAFKA_DIR/logs/format.log" >&2
    fail "kafka: formatting the storage failed"
  fi
}

kafka_ready() {
  port_open "$KAFKA_HOST" "$KAFKA_PORT" &&
    grep -qE 'Transitioning from RECOVERY to RUNNING|Kafka Server started' "$KAFKA_DIR/logs/server.log"
}

kafka_up() {
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    if ! live_pid "$KAFKA_DIR/kafka.pid" >/dev/null; then
      log "kafka: something already serves $KAFKA_HOST:$KAFKA_PORT; using it"
      return 0
    fi
    if ! kafka_config_changed; then
      log "kafka: already running (started by infra/up.sh) on $KAFKA_HOST:$KAFKA_PORT"
      return 0
    fi
    log "kafka: infra/kafka/server.properties changed; restarting the broker"
    stop_pidfile kafka "$KAFKA_DIR/kafka.pid" 45
    wait_until 30 bash -c "! (exec 3<>/dev/tcp/$KAFKA_HOST/$KAFKA_PORT) 2>/dev/null" ||
      fail "kafka: port $KAFKA_PORT still open after stopping the broker"
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    fail "kafka: port $KAFKA_CONTROLLER_PORT (controller) is held by another process; free it or set SAGAFLOW_KAFKA_CONTROLLER_PORT"
  fi
  kafka_jars
  kafka_config
  kafka_format
  log "kafka: starting broker on $KAFKA_HOST:$KAFKA_PORT"
  local started=$SECONDS
  : >"$KAFKA_DIR/logs/server.log"
  nohup java "${KAFKA_JVM_OPTS[@]}" -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >>"$KAFKA_DIR/logs/server.log" 2>&1 </dev/null &
  echo $! >"$KAFKA_DIR/kafka.pid"
  if ! wait_until "$KAFKA_START_TIMEOUT" kafka_ready; then
    if ! live_pid "$KAFKA_DIR/kafka.pid" >/dev/null; then
      tail -n 25 "$KAFKA_DIR/logs/server.log" >&2
      rm -f "$KAFKA_DIR/kafka.pid"
      fail "kafka: the broker exited during start-up (log above, full log: $KAFKA_DIR/logs/server.log)"
    fi
    tail -n 25 "$KAFKA_DIR/logs/server.log" >&2
    fail "kafka: not ready after ${KAFKA_START_TIMEOUT}s (log above)"
  fi
  log "kafka: ready in $((SECONDS - started))s"
}

# ---------------------------------------------------------------------- MariaDB/MySQL --

mysql_ping() {
  local client
  client="$(mysql_client)" || return 1
  "$client" --protocol=TCP -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot -e 'SELECT 1' >/dev/null 2>&1
}

mysql_up() {
  if port_open "$MYSQL_HOST" "$MYSQL_PORT"; then
    log "mysql: something already serves $MYSQL_HOST:$MYSQL_PORT; using it"
  else
    local server installer
    server="$(first_command mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld)" ||
      fail "mysql: nothing listens on $MYSQL_HOST:$MYSQL_PORT and no MariaDB/MySQL server is installed (install mariadb-server, or use docker/compose.yaml)"
    mkdir -p "$MYSQL_DIR/data"
    if [[ ! -d "$MYSQL_DIR/data/mysql" ]]; then
      installer="$(first_command mariadb-install-db mysql_install_db)" ||
        fail "mysql: cannot initialise a data directory (mariadb-install-db not found)"
      log "mysql: initialising a data directory"
      "$installer" --no-defaults --datadir="$MYSQL_DIR/data" --auth-root-authentication-method=normal \
        >"$MYSQL_DIR/install.log" 2>&1 || {
        tail -n 20 "$MYSQL_DIR/install.log" >&2
        fail "mysql: data directory initialisation failed"
      }
    fi
    log "mysql: starting $server on $MYSQL_HOST:$MYSQL_PORT"
    nohup "$server" --no-defaults --datadir="$MYSQL_DIR/data" --bind-address="$MYSQL_HOST" \
      --port="$MYSQL_PORT" --socket="$MYSQL_DIR/mysqld.sock" --pid-file="$MYSQL_DIR/mysqld.pid" \
      --user="$(id -un)" --skip-name-resolve --innodb-buffer-pool-size=128M \
      >"$MYSQL_DIR/server.log" 2>&1 </dev/null &
    echo $! >"$MYSQL_DIR/server.pid"
  fi
  mysql_client >/dev/null || fail "mysql: no mariadb/mysql client on PATH to check readiness"
  wait_until "$SERVICE_START_TIMEOUT" mysql_ping || {
    [[ -f "$MYSQL_DIR/server.log" ]] && tail -n 20 "$MYSQL_DIR/server.log" >&2
    fail "mysql: $MYSQL_HOST:$MYSQL_PORT does not accept root with an empty password after ${SERVICE_START_TIMEOUT}s"
  }
  local db sql=""
  for db in "${DATABASES[@]}"; do
    sql+="CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;"
  done
  "$(mysql_client)" --protocol=TCP -h "$MYSQL_HOST" -P "$MYSQL_PORT" -uroot -e "$sql" ||
    fail "mysql: could not create the databases ${DATABASES[*]}"
  log "mysql: ready, databases: ${DATABASES[*]}"
}

# ---------------------------------------------------------------------------- Redis --

redis_ping() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  command -v redis-cli >/dev/null || fail "redis: redis-cli is not installed (install redis-tools)"
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    log "redis: something already serves $REDIS_HOST:$REDIS_PORT; using it"
  else
    command -v redis-server >/dev/null ||
      fail "redis: nothing listens on $REDIS_HOST:$REDIS_PORT and redis-server is not installed"
    mkdir -p "$REDIS_DIR"
    log "redis: starting on $REDIS_HOST:$REDIS_PORT"
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" \
      --appendonly no --maxmemory-policy noeviction --dir "$REDIS_DIR" \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    wait_until 10 test -s "$REDIS_DIR/redis.pid" || true
    cp "$REDIS_DIR/redis.pid" "$REDIS_DIR/server.pid" 2>/dev/null || true
  fi
  wait_until "$SERVICE_START_TIMEOUT" redis_ping || fail "redis: no PONG from $REDIS_HOST:$REDIS_PORT after ${SERVICE_START_TIMEOUT}s"
  local policy
  policy="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config get maxmemory-policy 2>/dev/null | tail -n 1)"
  if [[ "$policy" != noeviction ]]; then
    log "redis: WARNING maxmemory-policy is '$policy'; BullMQ needs 'noeviction' to keep its jobs"
  fi
  log "redis: ready"
}

main() {
  local started=$SECONDS
  mysql_up
  redis_up
  kafka_up
  log "all services ready in $((SECONDS - started))s"
}

main "$@"
