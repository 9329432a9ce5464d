# shellcheck shell=bash
# RabbitMQ cluster for the cluster suite: three rabbitmq-server 3.10 nodes nestream-c1..c3@localhost
# (Debian's package, started without its service, as test/brokers/up starts the shared node),
# AMQP on 25682-25684, Erlang distribution on 27672-27674 (set explicitly: the default AMQP+20000
# falls in the ephemeral range), the shared epmd on 4369. Sourced by test/brokers/cluster.
# Not 25672-25674 as the issue's port map had it: 25672 is the shared node's own distribution
# port (5672 + 20000), which test/brokers/up leaves at its default.
#
# All three share one Erlang cookie (HOME=$CLUSTER_DIR/rabbitmq/home, used by the servers and by
# every rabbitmqctl call). c2 and c3 join c1 once (stop_app / join_cluster / start_app); after
# that a node started again rejoins by itself. net_ticktime stays at its default: a SIGKILLed
# node closes its distribution sockets, so the others notice at once anyway.
#
# Pid files per node: pid (the rabbitmq-server sh wrapper, which turns SIGTERM into a clean
# stop) and beam.pid (the Erlang VM itself: what a test SIGKILLs).

RABBITMQ_CLUSTER_NODES=(c1 c2 c3)
RABBITMQ_CLUSTER_LIB=/usr/lib/rabbitmq/bin # unwrapped scripts (the /usr/sbin ones su to user rabbitmq)
RABBITMQ_CLUSTER_TIMEOUT="${RABBITMQ_CLUSTER_TIMEOUT:-120}"

rmq_node_name() { echo "nestream-$1@localhost"; }
rmq_amqp_port() { echo $((25681 + ${1#c})); }
rmq_dist_port() { echo $((27671 + ${1#c})); }
rmq_dir() { echo "$CLUSTER_DIR/rabbitmq/$1"; }

# The environment of node $1's server and of rabbitmqctl calls against it.
rmq_env() {
  local d loopback='-kernel inet_dist_use_interface {127,0,0,1}'
  d="$(rmq_dir "$1")"
  RMQ_ENV=(
    HOME="$CLUSTER_DIR/rabbitmq/home"
    RABBITMQ_NODENAME="$(rmq_node_name "$1")"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$(rmq_amqp_port "$1")"
    RABBITMQ_DIST_PORT="$(rmq_dist_port "$1")"
    RABBITMQ_MNESIA_BASE="$d/mnesia"
    RABBITMQ_LOG_BASE="$d/log"
    RABBITMQ_PID_FILE="$d/beam.pid"
    RABBITMQ_CONFIG_FILE="$CLUSTER_DIR/rabbitmq/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$CLUSTER_DIR/rabbitmq/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$CLUSTER_DIR/rabbitmq/enabled_plugins"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$loopback"
    RABBITMQ_CTL_ERL_ARGS="$loopback"
    ERL_EPMD_ADDRESS=127.0.0.1
  )
}

# rmq_ctl <node> <args...>: rabbitmqctl against that node, quiet, bounded.
rmq_ctl() {
  local node="$1"; shift
  rmq_env "$node"
  timeout 120 env "${RMQ_ENV[@]}" "$RABBITMQ_CLUSTER_LIB/rabbitmqctl" -n "$(rmq_node_name "$node")" -q "$@"
}

rmq_running() { pid_alive "$(rmq_dir "$1")/beam.pid" || pid_alive "$(rmq_dir "$1")/pid"; }

rmq_prepare() {
  local base="$CLUSTER_DIR/rabbitmq" cookie
  mkdir -p "$base/home"
  chmod 700 "$base/home"
  cookie="$base/home/.erlang.cookie"
  if [[ ! -s "$cookie" ]]; then
    head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$cookie"
    chmod 400 "$cookie"
  fi
  # pause_minority: a node cut off from the other two stops serving instead of diverging.
  [[ -f "$base/rabbitmq.conf" ]] || cat >"$base/rabbitmq.conf" <<'CONF'
# nestream cluster-suite node (written by test/brokers/cluster.d/rabbitmq.sh).
loopback_users.guest = true
cluster_partition_handling = pause_minority
log.file.level = info
log.console = false
CONF
  [[ -f "$base/advanced.config" ]] || echo '[].' >"$base/advanced.config"
  [[ -f "$base/enabled_plugins" ]] || echo '[].' >"$base/enabled_plugins"
  # epmd: the shared one (test/brokers/up starts it); start a loopback one only if none runs.
  if ! (exec 3<>/dev/tcp/127.0.0.1/4369) 2>/dev/null; then
    nohup setsid epmd -address 127.0.0.1 -port 4369 </dev/null >>"$base/epmd.log" 2>&1 9>&- &
    wait_port 4369 10 epmd
  fi
}

# rmq_start_node <node>: starts it unless running; returns at once (rmq_wait_node waits).
rmq_start_node() {
  local node="$1" d
  d="$(rmq_dir "$node")"
  rmq_running "$node" && return 0
  mkdir -p "$d/mnesia" "$d/log"
  rm -f "$d/beam.pid"
  rmq_env "$node"
  nohup setsid env "${RMQ_ENV[@]}" "$RABBITMQ_CLUSTER_LIB/rabbitmq-server" </dev/null >>"$d/startup.log" 2>&1 9>&- &
  echo $! >"$d/pid"
  log "rabbitmq $(rmq_node_name "$node") starting (AMQP $(rmq_amqp_port "$node"))"
}

rmq_wait_node() {
  local node="$1" d
  d="$(rmq_dir "$node")"
  wait_port "$(rmq_amqp_port "$node")" "$RABBITMQ_CLUSTER_TIMEOUT" "rabbitmq $(rmq_node_name "$node")"
  rmq_ctl "$node" await_startup --timeout 60 >>"$d/ctl.log" 2>&1 ||
    die "rabbitmq $(rmq_node_name "$node") did not finish booting (see $d/ctl.log, $d/log/)"
}

# Once per node (marker file): c2 and c3 join c1's cluster.
rmq_join() {
  local node="$1" d
  d="$(rmq_dir "$node")"
  [[ -f "$d/joined" ]] && return 0
  if [[ "$node" != c1 ]]; then
    log "rabbitmq $(rmq_node_name "$node") joins $(rmq_node_name c1)"
    { rmq_ctl "$node" stop_app && rmq_ctl "$node" join_cluster "$(rmq_node_name c1)" && rmq_ctl "$node" start_app; } >>"$d/ctl.log" 2>&1 ||
      die "rabbitmq $(rmq_node_name "$node") could not join $(rmq_node_name c1) (see $d/ctl.log)"
  fi
  touch "$d/joined"
}

# Every node's view lists all three as running.
rmq_cluster_complete() {
  local node status
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do
    status="$(rmq_ctl "$node" cluster_status --formatter json 2>/dev/null)" || return 1
    [[ "$(grep -o 'nestream-c[123]@localhost' <<<"${status#*running_nodes}" | sort -u | wc -l)" -ge 3 ]] || return 1
  done
}

cluster_rabbitmq_up() {
  [[ -x "$RABBITMQ_CLUSTER_LIB/rabbitmq-server" ]] || die "rabbitmq-server is not installed: run test/brokers/up rabbitmq first"
  local node
  rmq_prepare
  # All at once: a cluster whose nodes all stopped waits for the others to boot (mnesia).
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do rmq_start_node "$node"; done
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do rmq_wait_node "$node"; done
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do rmq_join "$node"; done
  local deadline=$((SECONDS + 30))
  until rmq_cluster_complete; do
    (( SECONDS < deadline )) || die "rabbitmq cluster: not all three nodes running after joining (rabbitmqctl -n $(rmq_node_name c1) cluster_status)"
    sleep 0.5
  done
  log "rabbitmq cluster up: AMQP 127.0.0.1:25682-25684, nodes $(rmq_node_name c1) $(rmq_node_name c2) $(rmq_node_name c3)"
}

cluster_rabbitmq_down() {
  local node d
  # SIGTERM to each wrapper (a clean stop); a node whose wrapper is gone by its VM's pid.
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do
    d="$(rmq_dir "$node")"
    stop_pidfile "$d/pid" 30
    stop_pidfile "$d/beam.pid" 30
  done
  log "rabbitmq cluster stopped (data kept in $CLUSTER_DIR/rabbitmq)"
}

cluster_rabbitmq_status() {
  local node d
  for node in "${RABBITMQ_CLUSTER_NODES[@]}"; do
    d="$(rmq_dir "$node")"
    if pid_alive "$d/beam.pid"; then
      printf 'rabbitmq %s: running (beam pid %s, AMQP %s)\n' "$(rmq_node_name "$node")" "$(cat "$d/beam.pid")" "$(rmq_amqp_port "$node")"
    else
      printf 'rabbitmq %s: stopped\n' "$(rmq_node_name "$node")"
    fi
  done
}
