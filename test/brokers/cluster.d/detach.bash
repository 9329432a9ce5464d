# Sourced by cluster.d/kafka.sh and nats.sh: start a server detached from whoever ran
# `test/brokers/cluster up`. Test runs hold `flock <lockfile> <command>`, and flock hands its lock's
# fd to the command (not close-on-exec), so a server started from a test (restart(node)) would
# inherit it and hold the lock until it stops: every fd above 2 is closed before the exec.

# cluster_launch <log file> <pid file> <command...>: own session, no stdin, output to the log;
# the pid file gets the server's pid (the exec'd program, not a wrapper).
cluster_launch() {
  local log_file="$1" pid_file="$2"
  shift 2
  (
    for fd_path in /proc/"$BASHPID"/fd/*; do
      fd="${fd_path##*/}"
      if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec nohup setsid "$@" </dev/null >>"$log_file" 2>&1
  ) &
  echo "$!" >"$pid_file"
}
