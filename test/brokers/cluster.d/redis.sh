# shellcheck shell=bash
# Redis Cluster for the cluster suite: six redis-server 7.0 nodes on 23001-23006 (cluster bus
# on 23101-23106: the default port+10000 falls in the ephemeral range), three masters and one
# replica each, created once with `redis-cli --cluster create`. Sourced by test/brokers/cluster.
#
# cluster-node-timeout 2000 ms: a killed master is marked failed and its replica promoted in a
# few seconds (the default 15 s makes a failover take ~20 s). AOF with fsync every second, as
# the shared broker: a SIGKILLed node comes back with its data and rejoins as a replica.

REDIS_CLUSTER_PORTS=(23001 23002 23003 23004 23005 23006)
REDIS_CLUSTER_BUS_OFFSET=100 # bus port = port + 100 (23101-23106)
REDIS_CLUSTER_TIMEOUT="${REDIS_CLUSTER_TIMEOUT:-60}"

redis_cluster_dir() { echo "$CLUSTER_DIR/redis/$1"; }

redis_cluster_cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

# redis_cluster_start_node <port>: starts it unless its pid file names a live process.
redis_cluster_start_node() {
  local port="$1" d
  d="$(redis_cluster_dir "$port")"
  pid_alive "$d/pid" && return 0
  mkdir -p "$d"
  # --daemonize: redis forks and writes the pid file itself; nodes.conf keeps its identity.
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --cluster-enabled yes --cluster-port "$((port + REDIS_CLUSTER_BUS_OFFSET))" \
    --cluster-config-file "$d/nodes.conf" --cluster-node-timeout 2000 \
    --dir "$d" --daemonize yes --pidfile "$d/pid" --logfile "$d/redis.log" \
    --save '' --appendonly yes --appendfsync everysec </dev/null >>"$d/launch.log" 2>&1 ||
    die "redis-server on $port did not start (see $d/launch.log)"
  log "redis cluster node $port started"
}

# Whether the nodes already form a cluster of six: any one of them knows the other five. (Not
# only the first node: that may be the one just restarted after a kill.)
redis_cluster_formed() {
  local port known
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    known="$(redis_cluster_cli "$port" CLUSTER INFO 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_known_nodes" { print $2 }')"
    [[ "${known:-0}" -ge 6 ]] && return 0
  done
  return 1
}

# redis_cluster_wait_loaded <port>: until the node answers PONG. A node restarted with its
# append-only file answers LOADING meanwhile, CLUSTER INFO included, so it would look unformed.
redis_cluster_wait_loaded() {
  local deadline=$((SECONDS + REDIS_CLUSTER_TIMEOUT))
  until [[ "$(redis_cluster_cli "$1" PING 2>/dev/null | tr -d '\r')" == PONG ]]; do
    (( SECONDS < deadline )) || die "redis cluster node $1 is still loading its data after ${REDIS_CLUSTER_TIMEOUT}s"
    sleep 0.2
  done
}

redis_cluster_state_ok() {
  redis_cluster_cli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok'
}

cluster_redis_up() {
  command -v redis-server >/dev/null || die "redis-server is not installed: run test/brokers/up redis first"
  local port
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do redis_cluster_start_node "$port"; done
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do wait_port "$port" 30 "redis cluster node $port"; done
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do redis_cluster_wait_loaded "$port"; done
  if ! redis_cluster_formed "${REDIS_CLUSTER_PORTS[0]}"; then
    local addresses=()
    for port in "${REDIS_CLUSTER_PORTS[@]}"; do addresses+=("127.0.0.1:$port"); done
    log "creating the redis cluster (3 masters, 3 replicas)"
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$CLUSTER_DIR/redis/create.log" 2>&1 ||
      die "redis-cli --cluster create failed (see $CLUSTER_DIR/redis/create.log)"
  fi
  local deadline=$((SECONDS + REDIS_CLUSTER_TIMEOUT)) pending
  while :; do
    pending=()
    for port in "${REDIS_CLUSTER_PORTS[@]}"; do redis_cluster_state_ok "$port" || pending+=("$port"); done
    [[ ${#pending[@]} -eq 0 ]] && break
    (( SECONDS < deadline )) || die "redis cluster: cluster_state is not ok on ${pending[*]} after ${REDIS_CLUSTER_TIMEOUT}s"
    sleep 0.2
  done
  log "redis cluster up: 127.0.0.1:${REDIS_CLUSTER_PORTS[0]}-${REDIS_CLUSTER_PORTS[5]}, cluster_state:ok on every node"
}

cluster_redis_down() {
  local port
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do stop_pidfile "$(redis_cluster_dir "$port")/pid" 10; done
  log "redis cluster stopped (data kept in $CLUSTER_DIR/redis)"
}

cluster_redis_status() {
  local port d role
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    d="$(redis_cluster_dir "$port")"
    if pid_alive "$d/pid"; then
      role="$(redis_cluster_cli "$port" ROLE 2>/dev/null | head -1)"
      printf 'redis %s: running (pid %s, %s, %s)\n' "$port" "$(cat "$d/pid")" "${role:-?}" \
        "$(redis_cluster_state_ok "$port" && echo 'cluster_state:ok' || echo 'cluster_state:fail')"
    else
      printf 'redis %s: stopped\n' "$port"
    fi
  done
}
