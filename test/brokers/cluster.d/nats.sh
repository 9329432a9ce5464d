# NATS part of test/brokers/cluster (sourced by it): three nats-server processes with JetStream,
# routed to each other as cluster "nestream-cluster", from the nats-server test/brokers/up built.
#
#   n1: client 127.0.0.1:24222  routes 26222  monitoring 28222
#   n2: client 127.0.0.1:24223  routes 26223  monitoring 28223
#   n3: client 127.0.0.1:24224  routes 26224  monitoring 28224
#
# Config, JetStream store, log and pid file of n<i>: $CLUSTER_DIR/nats/n<i>/. A SIGKILLed server's
# routes close at once on loopback; the ping settings below also catch a hung one in ~2 s.
# shellcheck source=detach.bash
source "$SCRIPT_DIR/cluster.d/detach.bash"

NATS_CLUSTER_NODES=(1 2 3)
NATS_CLUSTER_BIN="$CACHE_DIR/nats/current/bin/nats-server"
NATS_CLUSTER_START_TIMEOUT="${NATS_CLUSTER_START_TIMEOUT:-60}"

nats_client_port() { echo $((24221 + $1)); }
nats_route_port() { echo $((26221 + $1)); }
nats_monitor_port() { echo $((28221 + $1)); }
nats_node_dir() { echo "$CLUSTER_DIR/nats/n$1"; }

nats_write_config() {
  local i="$1" d j routes=""
  d="$(nats_node_dir "$i")"
  mkdir -p "$d/store"
  for j in "${NATS_CLUSTER_NODES[@]}"; do
    [[ "$j" == "$i" ]] || routes+="    nats-route://127.0.0.1:$(nats_route_port "$j")"$'\n'
  done
  cat >"$d/nats.conf" <<CONF
# nestream cluster-suite server (written by test/brokers/cluster.d/nats.sh)
server_name: n$i
listen: 127.0.0.1:$(nats_client_port "$i")
http: 127.0.0.1:$(nats_monitor_port "$i")
pid_file: "$d/nats.pid"
log_file: "$d/nats.log"
ping_interval: "1s"
ping_max: 2
jetstream {
  store_dir: "$d/store"
  max_memory_store: 256MB
  max_file_store: 2GB
}
cluster {
  name: nestream-cluster
  listen: 127.0.0.1:$(nats_route_port "$i")
  ping_interval: "1s"
  ping_max: 2
  routes: [
$routes  ]
}
CONF
}

nats_start_node() {
  local i="$1" d
  d="$(nats_node_dir "$i")"
  if pid_alive "$d/pid"; then log "nats n$i already running (pid $(cat "$d/pid"))"; return 0; fi
  rm -f "$d/pid"
  nats_write_config "$i"
  cluster_launch "$d/stdout.log" "$d/pid" "$NATS_CLUSTER_BIN" -c "$d/nats.conf"
  log "nats n$i started (pid $(cat "$d/pid")) on 127.0.0.1:$(nats_client_port "$i"), log $d/nats.log"
}

# The JetStream meta leader as server n<i> sees it (empty while there is none).
nats_meta_leader() {
  { curl -fsS -m 3 "http://127.0.0.1:$(nats_monitor_port "$1")/jsz" 2>/dev/null || true; } \
    | tr -d '\n' | sed -n 's/.*"meta_cluster": *{[^}]*"leader": *"\([^"]*\)".*/\1/p'
}

# JetStream is healthy on server n<i>: it is current with the meta leader (or is it).
nats_healthy() {
  curl -fsS -m 3 "http://127.0.0.1:$(nats_monitor_port "$1")/healthz?js-enabled-only=true" >/dev/null 2>&1
}

cluster_nats_up() {
  [[ -x "$NATS_CLUSTER_BIN" ]] || die "no nats-server at $NATS_CLUSTER_BIN: run test/brokers/up nats first"
  command -v curl >/dev/null || die "curl is needed to ask the NATS servers whether JetStream has a leader"
  local i t0=$SECONDS deadline leader="" ready
  for i in "${NATS_CLUSTER_NODES[@]}"; do nats_start_node "$i"; done
  for i in "${NATS_CLUSTER_NODES[@]}"; do wait_port "$(nats_client_port "$i")" "$NATS_CLUSTER_START_TIMEOUT" "nats n$i"; done
  # Ready = every server agrees on one meta leader and answers healthy.
  deadline=$((t0 + NATS_CLUSTER_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    ready=1
    leader="$(nats_meta_leader 1)"
    for i in "${NATS_CLUSTER_NODES[@]}"; do
      pid_alive "$(nats_node_dir "$i")/pid" || { tail -n 30 "$(nats_node_dir "$i")/nats.log" >&2; die "nats n$i exited during startup"; }
      [[ -n "$leader" && "$(nats_meta_leader "$i")" == "$leader" ]] && nats_healthy "$i" || ready=0
    done
    (( ready )) && { log "nats cluster ready in $((SECONDS - t0))s: JetStream meta leader $leader"; return 0; }
    sleep 0.5
  done
  die "nats cluster not ready after ${NATS_CLUSTER_START_TIMEOUT}s (meta leader seen by n1: ${leader:-none})"
}

cluster_nats_down() {
  local i
  for i in "${NATS_CLUSTER_NODES[@]}"; do stop_pidfile "$(nats_node_dir "$i")/pid" 10 & done
  wait
  log "nats cluster stopped"
}

cluster_nats_status() {
  local i d
  for i in "${NATS_CLUSTER_NODES[@]}"; do
    d="$(nats_node_dir "$i")"
    if pid_alive "$d/pid"; then
      echo "nats n$i 127.0.0.1:$(nats_client_port "$i") running (pid $(cat "$d/pid")), meta leader: $(nats_meta_leader "$i")"
    else echo "nats n$i 127.0.0.1:$(nats_client_port "$i") stopped"; fi
  done
}
