#!/usr/bin/env bash
# The fast echo servers measured in the same seconds by the C client (bench/c/echo_load.c): the
# check behind the echo targets (selectors >= 1.1x Netty NIO and >= 0.95x the C server, queue >=
# 1.0x Netty NIO), without the full run's other peers and sections. The machine's own speed drifts
# by tens of per cent within minutes, so every server runs at once, pinned to the same core (an
# idle server costs nothing), and the client loads them in turn, one short window each, round after
# round, in an order that rotates per round: a drift hits every server alike. Ratios are taken
# within a round and the table gives their median over the rounds. queue is measured on the poll
# selector it waits on by default and, as "queue on epoll", with --selector default.
#
#   bench/echo-pairs.sh                  JDK 17 and a JDK 21+, 100 connections x 64 B, 5 rounds of
#                                        one 4 s window per server, after 5 s of warm-up each
#
# Environment: JAVA17 / JAVA21_HOME (as bench/mjpeg.sh), CONNECTIONS (100), SIZE (64), ROUNDS (5),
# DURATION (4 s), WARMUP (5 s of load per server before the first round, for the JIT; 1 s before
# each window), SERVER_CPU / LOAD_CPU, SOCKETKIT_JAR, OUT. Every server runs pinned to one core with
# -Xmx256m (the C server needs none); Netty with bench/jdks.sh's netty_flags and pooled direct
# buffers. Raw output stays in OUT (bench/target/echo-pairs/); the tables and the targets are
# printed by bench/report.py --pairs, which bench/run.sh also uses for its echo targets.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,18p' "$0"; exit 0 ;; esac
connections="${CONNECTIONS:-100}"; size="${SIZE:-64}"; rounds="${ROUNDS:-5}"
duration="${DURATION:-4}"; warmup="${WARMUP:-5}"
server_cpu="${SERVER_CPU:-0}"; load_cpu="${LOAD_CPU:-1}"
# shellcheck source=bench/jdks.sh
. "$root/bench/jdks.sh" # feature_of, java17, java21, netty_flags

jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
if [ -z "${SOCKETKIT_JAR:-}" ]; then
  "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
fi
bench_jar="$root/bench/target/bench.jar"
[ -f "$bench_jar" ] || (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >&2)
out="${OUT:-$root/bench/target/echo-pairs}"
rm -rf "$out"; mkdir -p "$out"
cc -O2 -o "$out/echo_load" "$root/bench/c/echo_load.c"
cc -O2 -o "$out/echo_server" "$root/bench/c/echo_server.c"

declare -A pid_of port_of
stop_servers() {
  for pid in "${pid_of[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pid_of[@]}"; do wait "$pid" 2>/dev/null || true; done
  pid_of=(); port_of=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

command_of() { # PEER JAVA -> the server's command line
  case "$1" in
    c-epoll) echo "$out/echo_server --port 0" ;;
    socketkit-selectors) echo "$2 -Xmx256m -jar $jar echo-server --mode selectors --port 0" ;;
    socketkit-queue) echo "$2 -Xmx256m -jar $jar echo-server --mode queue --port 0" ;;
    socketkit-queue-epoll) echo "$2 -Xmx256m -jar $jar echo-server --mode queue --selector default --port 0" ;;
    netty-nio|netty-epoll) echo "$2 -Xmx256m $(netty_flags "$2") -cp $bench_jar dev.socketkit.bench.NettyEchoServer --transport ${1#netty-} --allocator pooled --port 0" ;;
  esac
}

# load PEER SECONDS WARMUP REPORT: the C client against one server; prints round trips/s, server
# and client CPU, tab-separated.
load() {
  taskset -c "$load_cpu" "$out/echo_load" -l -c "$connections" -s "$size" -d "$2" -w "$3" \
    -p "${pid_of[$1]}" 127.0.0.1 "${port_of[$1]}" >"$4" 2>&1
  printf '%s\t%s\t%s\n' \
    "$(sed -n 's/^round trips\/s: *\([0-9.]*\).*/\1/p' "$4")" \
    "$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$4")" \
    "$(sed -n 's/^cpu: load generator \([0-9.]*\)%.*/\1/p' "$4")"
}

peers=(c-epoll socketkit-selectors socketkit-queue socketkit-queue-epoll netty-nio netty-epoll)
javas=("$java17")
if [ -n "$java21" ] && [ -x "$java21" ]; then javas+=("$java21"); fi
echo -e "jdk\tconnections\tsize\tround\tpeer\trtps\tserver_cpu\tload_cpu" >"$out/windows.tsv"
for java in "${javas[@]}"; do
  jdk="$(feature_of "$java")"
  for peer in "${peers[@]}"; do
    logfile="$out/jdk$jdk-$peer.server.log"
    # shellcheck disable=SC2046  # the command is a list of words on purpose
    (exec taskset -c "$server_cpu" $(command_of "$peer" "$java")) >"$logfile" 2>&1 &
    pid_of[$peer]=$!
    port=""
    for _ in $(seq 1 300); do
      port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$logfile" | head -n 1)"
      [ -n "$port" ] && break
      sleep 0.1 # polling a server that is starting, with a deadline of 30 s
    done
    [ -n "$port" ] || { log "$peer did not start: $(tail -n 2 "$logfile" | tr '\n' ' ')"; exit 1; }
    port_of[$peer]=$port
  done
  for peer in "${peers[@]}"; do
    load "$peer" "$warmup" 0 "$out/jdk$jdk-$peer-warmup.txt" >/dev/null
  done
  n=${#peers[@]}
  for round in $(seq 1 "$rounds"); do
    for i in $(seq 0 $((n - 1))); do
      peer="${peers[$(((i + round - 1) % n))]}"
      IFS=$'\t' read -r rtps scpu lcpu < <(load "$peer" "$duration" 1 "$out/jdk$jdk-$round-$peer.txt")
      echo -e "$jdk\t$connections\t$size\t$round\t$peer\t$rtps\t$scpu\t$lcpu" >>"$out/windows.tsv"
      log "JDK $jdk round $round $peer: $rtps round trips/s (server $scpu %, client $lcpu %)"
    done
  done
  stop_servers
done

# Per JDK: each server's median window, and the median over the rounds of each ratio the targets
# name, taken within a round.
python3 "$root/bench/report.py" --pairs "$out/windows.tsv" | tee "$out/table.md"
