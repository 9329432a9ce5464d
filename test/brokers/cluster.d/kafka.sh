# Kafka part of test/brokers/cluster (sourced by it): three KRaft nodes, each a combined
# broker+controller (node ids 1,2,3), from the jars test/brokers/up installed (.cache/kafka/current).
#
#   node 1: client 127.0.0.1:21092  controller 21093
#   node 2: client 127.0.0.1:21192  controller 21193
#   node 3: client 127.0.0.1:21292  controller 21293
#
# Data, config, logs and pid file of node <id>: $CLUSTER_DIR/kafka/n<id>/. The storage of all three
# is formatted once with one cluster id ($CLUSTER_DIR/kafka/cluster.id). Replicated for safety
# (replication factor 3, min.insync.replicas 2: a publish with acks=all survives losing one node)
# and tuned to notice a dead node in seconds rather than the defaults' ~10-30 s.
# shellcheck source=detach.bash
source "$SCRIPT_DIR/cluster.d/detach.bash"

KAFKA_CLUSTER_IDS=(1 2 3)
KAFKA_CLUSTER_LIBS="$CACHE_DIR/kafka/current/libs"
KAFKA_CLUSTER_HEAP="${KAFKA_CLUSTER_HEAP:--Xmx384m -Xms128m}"
KAFKA_CLUSTER_START_TIMEOUT="${KAFKA_CLUSTER_START_TIMEOUT:-120}"

kafka_client_port() { echo $((21092 + ($1 - 1) * 100)); }
kafka_controller_port() { echo $((21093 + ($1 - 1) * 100)); }
kafka_node_dir() { echo "$CLUSTER_DIR/kafka/n$1"; }
kafka_bootstrap() { echo "127.0.0.1:21092,127.0.0.1:21192,127.0.0.1:21292"; }

# A CLI tool of the jars (StorageTool, BrokerApiVersionsCommand): small heap, warnings only.
# An array, not a function, so that `timeout` can run it.
KAFKA_CLUSTER_TOOL=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  "-Dlog4j2.configurationFile=$CLUSTER_DIR/kafka/tools-log4j2.yaml" -cp "$KAFKA_CLUSTER_LIBS/*")

kafka_write_config() {
  local id="$1" d voters
  d="$(kafka_node_dir "$id")"
  voters="1@127.0.0.1:$(kafka_controller_port 1),2@127.0.0.1:$(kafka_controller_port 2),3@127.0.0.1:$(kafka_controller_port 3)"
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<PROPS
# nestream cluster-suite node (written by test/brokers/cluster.d/kafka.sh): KRaft, broker+controller
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(kafka_client_port "$id"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$id")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_client_port "$id")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data
num.partitions=3
auto.create.topics.enable=false
# A write acknowledged with acks=all is on at least two of the three nodes.
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
# Failure detection: a follower that stops fetching leaves the ISR after 3 s (default 30 s); the
# controller fences a broker whose heartbeats stop for 3 s (default 9 s) and moves its leaderships.
replica.lag.time.max.ms=3000
replica.fetch.wait.max.ms=200
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
controller.quorum.fetch.timeout.ms=1000
controller.quorum.election.timeout.ms=500
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
background.threads=2
log.segment.bytes=67108864
PROPS
  cat >"$d/log4j2.yaml" <<YAML
Configuration:
  Appenders:
    RollingFile:
      name: FILE
      fileName: "$d/server.log"
      filePattern: "$d/server.log.%i"
      PatternLayout: { pattern: "[%d] %p %m (%c)%n" }
      SizeBasedTriggeringPolicy: { size: 20MB }
      DefaultRolloverStrategy: { max: 1 }
  Loggers:
    Root: { level: INFO, AppenderRef: [ { ref: FILE } ] }
    Logger:
      - { name: kafka.request.logger, level: WARN }
      - { name: org.apache.kafka.clients.NetworkClient, level: WARN }
YAML
}

kafka_cluster_id() {
  local file="$CLUSTER_DIR/kafka/cluster.id"
  [[ -s "$file" ]] || "${KAFKA_CLUSTER_TOOL[@]}" kafka.tools.StorageTool random-uuid 2>>"$CLUSTER_DIR/kafka/format.log" | tail -n 1 >"$file"
  tr -d '[:space:]' <"$file"
}

kafka_start_node() {
  local id="$1" cid="$2" d
  d="$(kafka_node_dir "$id")"
  if pid_alive "$d/pid"; then log "kafka n$id already running (pid $(cat "$d/pid"))"; return 0; fi
  rm -f "$d/pid"
  kafka_write_config "$id"
  # A data dir of another cluster id (cluster.id deleted) is formatted afresh.
  if [[ -f "$d/data/meta.properties" ]] && ! grep -qx "cluster.id=$cid" "$d/data/meta.properties"; then
    log "kafka n$id: data of another cluster id, formatting afresh"
    rm -rf "$d/data"; mkdir -p "$d/data"
  fi
  if [[ ! -f "$d/data/meta.properties" ]]; then
    "${KAFKA_CLUSTER_TOOL[@]}" kafka.tools.StorageTool format -t "$cid" -c "$d/server.properties" >>"$d/format.log" 2>&1 \
      || { tail -n 20 "$d/format.log" >&2; die "kafka n$id: storage format failed"; }
  fi
  # shellcheck disable=SC2086
  cluster_launch "$d/stdout.log" "$d/pid" java $KAFKA_CLUSTER_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true "-Dlog4j2.configurationFile=$d/log4j2.yaml" \
    -cp "$KAFKA_CLUSTER_LIBS/*" kafka.Kafka "$d/server.properties"
  log "kafka n$id started (pid $(cat "$d/pid")) on 127.0.0.1:$(kafka_client_port "$id"), log $d/server.log"
}

# The ids of the brokers the cluster's metadata lists (BrokerApiVersionsCommand asks for it).
kafka_registered_brokers() {
  timeout 30 "${KAFKA_CLUSTER_TOOL[@]}" org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$(kafka_bootstrap)" 2>/dev/null \
    | sed -n 's/^127\.0\.0\.1:[0-9]* (id: \([0-9]*\).*/\1/p' | sort -u | tr '\n' ' ' || true
}

cluster_kafka_up() {
  [[ -f "$KAFKA_CLUSTER_LIBS/.complete" ]] || die "no Kafka jars in $KAFKA_CLUSTER_LIBS: run test/brokers/up kafka first"
  mkdir -p "$CLUSTER_DIR/kafka"
  cat >"$CLUSTER_DIR/kafka/tools-log4j2.yaml" <<'YAML'
Configuration:
  Appenders:
    Console: { name: STDERR, target: SYSTEM_ERR, PatternLayout: { pattern: "[%d] %p %m (%c)%n" } }
  Loggers:
    Root: { level: WARN, AppenderRef: [ { ref: STDERR } ] }
YAML
  local cid id t0=$SECONDS deadline brokers=""
  cid="$(kafka_cluster_id)"
  [[ -n "$cid" ]] || die "kafka: could not generate a cluster id"
  for id in "${KAFKA_CLUSTER_IDS[@]}"; do kafka_start_node "$id" "$cid"; done
  for id in "${KAFKA_CLUSTER_IDS[@]}"; do wait_port "$(kafka_client_port "$id")" "$KAFKA_CLUSTER_START_TIMEOUT" "kafka n$id"; done
  # Ready = all three brokers registered with the controller (unfenced: metadata lists them).
  deadline=$((t0 + KAFKA_CLUSTER_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    brokers="$(kafka_registered_brokers)"
    [[ "$brokers" == "1 2 3 " ]] && { log "kafka cluster ready in $((SECONDS - t0))s: brokers $brokers($(kafka_bootstrap))"; return 0; }
    for id in "${KAFKA_CLUSTER_IDS[@]}"; do
      pid_alive "$(kafka_node_dir "$id")/pid" || { tail -n 30 "$(kafka_node_dir "$id")/server.log" >&2; die "kafka n$id exited during startup"; }
    done
    sleep 1
  done
  die "kafka cluster not ready after ${KAFKA_CLUSTER_START_TIMEOUT}s (brokers registered: ${brokers:-none})"
}

cluster_kafka_down() {
  local id
  # All three SIGTERMed at once: stopped one by one, the last would wait for a quorum already gone.
  for id in "${KAFKA_CLUSTER_IDS[@]}"; do stop_pidfile "$(kafka_node_dir "$id")/pid" 20 & done
  wait
  log "kafka cluster stopped"
}

cluster_kafka_status() {
  local id d
  for id in "${KAFKA_CLUSTER_IDS[@]}"; do
    d="$(kafka_node_dir "$id")"
    if pid_alive "$d/pid"; then echo "kafka n$id 127.0.0.1:$(kafka_client_port "$id") running (pid $(cat "$d/pid"))"
    else echo "kafka n$id 127.0.0.1:$(kafka_client_port "$id") stopped"; fi
  done
  echo "kafka brokers registered: $(kafka_registered_brokers)"
}
