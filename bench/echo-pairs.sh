#!/usr/bin/env bash
# The fast echo servers measured in the same minutes, one after another, several windows each, by
# the C client (bench/c/echo_load.c): the check behind the echo targets (selectors >= 1.1x Netty
# NIO and >= 0.95x the C server, queue >= 1.0x Netty NIO), without the full run's other peers and
# sections. The machine's own speed drifts by tens of per cent within an hour, so ratios are only
# read between servers measured in the same pass; each pass runs every server once, in a rotating
# order, and the script prints every window and the median per server and pass.
#
#   bench/echo-pairs.sh                  JDK 17 and a JDK 21+, 100 connections x 64 B, 3 passes of
#                                        3 windows of 5 s per server
#
# Environment: JAVA17 / JAVA21_HOME (as bench/mjpeg.sh), CONNECTIONS (100), SIZE (64), PASSES (3),
# WINDOWS (3), DURATION (5 s), SERVER_CPU / LOAD_CPU, SOCKETKIT_JAR. Every server runs pinned to one
# core with -Xmx256m (the C server needs none); Netty with bench/jdks.sh's netty_flags and pooled
# direct buffers. Raw output stays in bench/target/echo-pairs/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,15p' "$0"; exit 0 ;; esac
connections="${CONNECTIONS:-100}"; size="${SIZE:-64}"; passes="${PASSES:-3}"
windows="${WINDOWS:-3}"; duration="${DURATION:-5}"
server_cpu="${SERVER_CPU:-0}"; load_cpu="${LOAD_CPU:-1}"
# shellcheck source=bench/jdks.sh
. "$root/bench/jdks.sh" # feature_of, java17, java21, netty_flags

jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
if [ -z "${SOCKETKIT_JAR:-}" ]; then
  "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
fi
bench_jar="$root/bench/target/bench.jar"
[ -f "$bench_jar" ] || (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >&2)
out="$root/bench/target/echo-pairs"
rm -rf "$out"; mkdir -p "$out"
cc -O2 -o "$out/echo_load" "$root/bench/c/echo_load.c"
cc -O2 -o "$out/echo_server" "$root/bench/c/echo_server.c"

server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

command_of() { # PEER JAVA -> the server's command line
  case "$1" in
    c-epoll) echo "$out/echo_server --port 0" ;;
    socketkit-selectors) echo "$2 -Xmx256m -jar $jar echo-server --mode selectors --port 0" ;;
    socketkit-queue) echo "$2 -Xmx256m -jar $jar echo-server --mode queue --port 0" ;;
    netty-nio|netty-epoll) echo "$2 -Xmx256m $(netty_flags "$2") -cp $bench_jar dev.socketkit.bench.NettyEchoServer --transport ${1#netty-} --allocator pooled --port 0" ;;
  esac
}

peers=(c-epoll socketkit-selectors socketkit-queue netty-nio netty-epoll)
javas=("$java17")
if [ -n "$java21" ] && [ -x "$java21" ]; then javas+=("$java21"); fi
echo -e "jdk\tpass\tpeer\twindow\trtps\tserver_cpu\tload_cpu" >"$out/windows.tsv"
for java in "${javas[@]}"; do
  jdk="$(feature_of "$java")"
  for pass in $(seq 1 "$passes"); do
    n=${#peers[@]}
    for i in $(seq 0 $((n - 1))); do
      peer="${peers[$(((i + pass - 1) % n))]}"
      logfile="$out/jdk$jdk-$pass-$peer.server.log"
      # shellcheck disable=SC2046  # the command is a list of words on purpose
      (exec taskset -c "$server_cpu" $(command_of "$peer" "$java")) >"$logfile" 2>&1 &
      server_pid=$!
      port=""
      for _ in $(seq 1 300); do
        port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$logfile" | head -n 1)"
        [ -n "$port" ] && break
        sleep 0.1 # polling a server that is starting, with a deadline of 30 s
      done
      [ -n "$port" ] || { log "$peer did not start: $(tail -n 2 "$logfile" | tr '\n' ' ')"; exit 1; }
      for window in $(seq 1 "$windows"); do
        report="$out/jdk$jdk-$pass-$peer-$window.txt"
        taskset -c "$load_cpu" "$out/echo_load" -l -c "$connections" -s "$size" -d "$duration" \
          -w 1 -p "$server_pid" 127.0.0.1 "$port" >"$report" 2>&1
        rtps="$(sed -n 's/^round trips\/s: *\([0-9.]*\).*/\1/p' "$report")"
        scpu="$(sed -n 's/.*server \([0-9.]*\)% of one core.*/\1/p' "$report")"
        lcpu="$(sed -n 's/^cpu: load generator \([0-9.]*\)%.*/\1/p' "$report")"
        echo -e "$jdk\t$pass\t$peer\t$window\t$rtps\t$scpu\t$lcpu" >>"$out/windows.tsv"
        log "JDK $jdk pass $pass $peer window $window: $rtps round trips/s (server $scpu %, client $lcpu %)"
      done
      kill "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
      server_pid=""
    done
  done
done

# Per JDK and pass: each server's median window, and the ratios the targets name.
python3 - "$out/windows.tsv" "$connections" "$size" <<'PY' | tee "$out/table.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print(f"{sys.argv[2]} connections x {sys.argv[3]} B, C client; median of each server's windows in a pass.\n")
print("| JDK | pass | C epoll | selectors | queue | Netty NIO | Netty epoll | selectors / Netty NIO | selectors / C | queue / Netty NIO |")
print("|---|---|---|---|---|---|---|---|---|---|")
for jdk in dict.fromkeys(r["jdk"] for r in rows):
    for p in dict.fromkeys(r["pass"] for r in rows if r["jdk"] == jdk):
        m = {}
        for peer in ("c-epoll", "socketkit-selectors", "socketkit-queue", "netty-nio", "netty-epoll"):
            v = [float(r["rtps"]) for r in rows if r["jdk"] == jdk and r["pass"] == p and r["peer"] == peer and r["rtps"]]
            m[peer] = statistics.median(v) if v else float("nan")
        print(f"| {jdk} | {p} | " + " | ".join(f"{m[k]:,.0f}" for k in m)
              + f" | {m['socketkit-selectors'] / m['netty-nio']:.2f} | {m['socketkit-selectors'] / m['c-epoll']:.2f}"
              + f" | {m['socketkit-queue'] / m['netty-nio']:.2f} |")
PY
