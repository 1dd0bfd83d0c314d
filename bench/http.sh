#!/usr/bin/env bash
# HTTP request/response beside nginx and Python's http.server, measured with wrk (an independent
# client: apt-get install wrk). One 22 KB static file, served by:
#   socketkit   bin/socketkit http-server (or the jar in $SOCKETKIT_JAR)
#   baseline    a second socketkit jar to compare with, if $BASELINE_JAR is set (e.g. the main branch)
#   nginx       one worker, access log off, sendfile on (the Debian package; skipped if missing)
#   python      python3 -m http.server (ThreadingHTTPServer; HTTP/1.0, so one request per connection)
# and measured twice: one kept-alive connection (latency p50/p99) and 50 connections (requests/s).
# Servers run on CPU 0, wrk on CPU 1 (taskset), so the server is what is measured.
#
#   bench/http.sh                      # 10 s per measurement
#   DURATION=5s WARMUP=2s bench/http.sh   # shorter
#   BASELINE_JAR=/path/to/old/socketkit.jar bench/http.sh
#   JAVA_HOME=/usr/lib/jvm/SOME-JDK-21 bench/http.sh   # socketkit on another JDK (default: java on PATH)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${DURATION:-10s}"
warmup="${WARMUP:-5s}" # per connection count; the JIT needs several seconds on a loaded CPU
jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
# The JDK that runs socketkit: $JAVA_HOME's when set, else java on PATH (what bin/socketkit runs).
java="java"
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
if [ -z "${SOCKETKIT_JAR:-}" ]; then
  "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
fi
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
chmod 755 "$work" "$work/www" # nginx workers run as an unprivileged user
head -c 22528 /dev/urandom | base64 -w 76 | head -c 22528 >"$work/www/file.txt" # 22 KB of text
file=/file.txt

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() { # port
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1$file" 2>/dev/null && return 0
    sleep 0.1 # polling a server that is starting, with a deadline of 20 s
  done
  echo "bench/http.sh: nothing answers on port $1" >&2
  return 1
}

start_socketkit() { # jar port
  # All load comes from one address: lift the per-client connection cap (default 50) where the
  # jar has one, so that wrk's 50 connections plus any still closing are never refused.
  local limit=()
  if "$java" -jar "$1" http-server --help 2>/dev/null | grep -q -- --max-connections-per-client; then
    limit=(--max-connections-per-client 1000)
  fi
  # nginx runs with its access log off; socketkit's request log is off too where the jar has --quiet.
  if "$java" -jar "$1" http-server --help 2>/dev/null | grep -q -- --quiet; then
    limit+=(--quiet)
  fi
  taskset -c 0 "$java" -XX:ActiveProcessorCount=1 -jar "$1" http-server --dir "$work/www" --port "$2" \
    "${limit[@]}" >/dev/null 2>"$work/socketkit-$2.log" &
  pids+=($!)
}

start_nginx() { # port
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$1 backlog=1024; root $work/www; }
}
CONF
  taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  pids+=($!)
}

start_python() { # port
  (cd "$work/www" && exec taskset -c 0 python3 -m http.server --bind 127.0.0.1 "$1" >/dev/null 2>&1) &
  pids+=($!)
}

measure() { # name port
  local name="$1" port="$2" url="http://127.0.0.1:$2$file"
  taskset -c 1 wrk -t1 -c1 -d"$warmup" "$url" >/dev/null # warm-up (JIT)
  taskset -c 1 wrk -t1 -c50 -d"$warmup" "$url" >/dev/null
  local one fifty
  one="$(taskset -c 1 wrk -t1 -c1 -d"$duration" --latency "$url")"
  fifty="$(taskset -c 1 wrk -t1 -c50 -d"$duration" --latency "$url")"
  local p50 p99 rps1 rps50 errors
  p50="$(awk '$1=="50%"{print $2}' <<<"$one")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$one")"
  rps1="$(awk '/^Requests\/sec/{print $2}' <<<"$one")"
  rps50="$(awk '/^Requests\/sec/{print $2}' <<<"$fifty")"
  errors="$(grep -E 'Socket errors|Non-2xx' <<<"$fifty" | tr -s ' ' | paste -sd';' || true)"
  printf '| %-10s | %8s | %8s | %10s | %10s | %s |\n' "$name" "$p50" "$p99" "$rps1" "$rps50" "${errors:-none}"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $("$java" -version 2>&1 | head -1); wrk -t1, $duration per measurement after $warmup warm-up, file 22,528 bytes"
echo
echo "| server     | 1 conn p50 | p99 | 1 conn req/s | 50 conn req/s | 50 conn errors |"
echo "|------------|-----------:|----:|-------------:|--------------:|----------------|"

run() { # name starter args...
  local name="$1"; shift
  local port; port="$(free_port)"
  "$@" "$port"
  wait_for "$port"
  measure "$name" "$port"
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
}

run socketkit start_socketkit "$jar"
if [ -n "${BASELINE_JAR:-}" ]; then
  run baseline start_socketkit "$BASELINE_JAR"
fi
if command -v nginx >/dev/null; then
  run nginx start_nginx
fi
run python start_python
