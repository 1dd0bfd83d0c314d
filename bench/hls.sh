#!/usr/bin/env bash
# HLS viewers through nginx: how many segments the players get, how old a segment is when it
# arrives, and how many requests reach the camera.
#
# Starts the built socketkit.jar's `camera` (test pattern 640x480 at 30 fps, -Xmx256m) on a free
# port, pinned to CPU 0, and Debian's nginx in front of it with packaging/nginx-hls-cache.conf as
# shipped (only the listen port, the camera's port and the cache path changed, as the camera's
# tests do), then runs CLIENTS players for SECONDS: each reloads /hls/index.m3u8 once a second on
# its own kept-alive connection and fetches every segment it has not had. nginx and the players
# run on CPU 1 (taskset, when installed). Two player programs, written apart:
#   CLIENT=c       (default) bench/c/hls_players.c: one thread, epoll, built here with cc -O2; it
#                  holds 5,000 players. A player starts at the live edge (the newest segment);
#                  segment age = arrival of the segment's last byte minus the capture time in the
#                  prft box of its last fragment (its last picture), read from the segment itself.
#   CLIENT=python  python3 asyncio, no other library; tops out near 1,000-2,000 players. A player
#                  first fetches the whole window; segment age = arrival of the segment's last
#                  byte minus EXT-X-PROGRAM-DATE-TIME + EXTINF (about one frame later than the
#                  last picture's capture time, so its ages read about 33 ms lower).
# At the end it prints the players' counts and the camera's /state formats.hls, whose
# mostRequestsPerSegment says what the cache saved.
#
#   bench/hls.sh                      500 players, 20 s, through nginx
#   bench/hls.sh 5000 30              5,000 players for 30 s
#   CLIENT=python bench/hls.sh 500 20 the python players
#   DIRECT=1 bench/hls.sh 50 10       the players ask the camera itself (no cache): for comparison
#
# Environment: SOCKETKIT_JAR (default: cli/target/socketkit.jar, built when missing or stale),
# JAVA (default: java on PATH, what bin/socketkit runs; give a JDK 21+ to measure it),
# NGINX (default: nginx on PATH, else /usr/sbin/nginx), CAMERA_CPU / LOAD_CPU (default 0 / 1).
# Logs and the players' raw output stay in bench/target/hls/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients="${1:-500}"
seconds="${2:-20}"
client="${CLIENT:-c}"
case "$clients$seconds" in
  *[!0-9]*) sed -n '2,32p' "$0"; exit 2 ;;
esac
case "$client" in
  c|python) ;;
  *) echo "hls.sh: CLIENT=$client (expected: c or python)" >&2; exit 2 ;;
esac
java="${JAVA:-java}"
camera_cpu="${CAMERA_CPU:-0}"
load_cpu="${LOAD_CPU:-1}"
pin_camera=(); pin_load=()
if command -v taskset >/dev/null; then
  pin_camera=(taskset -c "$camera_cpu"); pin_load=(taskset -c "$load_cpu")
fi
jar="${SOCKETKIT_JAR:-$root/cli/target/socketkit.jar}"
if [ -z "${SOCKETKIT_JAR:-}" ]; then
  "$root/bin/socketkit" --version >/dev/null # builds the jar when it is missing or stale
fi
nginx="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
out="$root/bench/target/hls"
rm -rf "$out"
mkdir -p "$out/cache"
command -v curl >/dev/null || { echo "hls.sh: curl is missing" >&2; exit 1; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$client" = c ]; then
  cc -O2 -o "$out/hls_players" "$root/bench/c/hls_players.c"
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

"${pin_camera[@]}" "$java" -Xmx256m -jar "$jar" camera --port 0 --max-connections-per-client 20000 \
  >"$out/camera.log" 2>&1 &
pids+=($!)
camera_port=""
for _ in $(seq 1 300); do
  camera_port="$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$out/camera.log" | head -n 1)"
  [ -n "$camera_port" ] && break
  sleep 0.1
done
[ -n "$camera_port" ] || { echo "hls.sh: the camera did not start:" >&2; cat "$out/camera.log" >&2; exit 1; }
port="$camera_port"

if [ -z "${DIRECT:-}" ]; then
  [ -x "$nginx" ] || { echo "hls.sh: nginx not found (apt-get install nginx-light)" >&2; exit 1; }
  port="$(free_port)"
  sed -e "s/listen 8080;/listen 127.0.0.1:$port;/" \
      -e "s/server 127.0.0.1:8000;/server 127.0.0.1:$camera_port;/" \
      -e "s#/var/cache/nginx/socketkit-hls#$out/cache#" \
      "$root/packaging/nginx-hls-cache.conf" >"$out/hls-cache.conf"
  cat >"$out/nginx.conf" <<EOF
worker_rlimit_nofile 20000;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $out/body; proxy_temp_path $out/proxy;
  fastcgi_temp_path $out/fastcgi; uwsgi_temp_path $out/uwsgi; scgi_temp_path $out/scgi;
  include $out/hls-cache.conf;
}
EOF
  # One process, as this user, in the foreground.
  "${pin_load[@]}" "$nginx" -p "$out" -c "$out/nginx.conf" \
    -g "daemon off; master_process off; pid $out/nginx.pid; error_log $out/error.log;" \
    >"$out/nginx.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
fi

# The players measure a running stream, not the encoder's start: wait (30 s at most) until the
# playlist names a segment.
for _ in $(seq 1 30); do
  curl -fsS --max-time 10 -o /dev/null "http://127.0.0.1:$port/hls/index.m3u8" 2>/dev/null && break
  sleep 1 # polling a starting encoder, with a deadline
done

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "camera: $("$java" -version 2>&1 | head -n 1)"
echo "players ($client): $clients for ${seconds}s via $([ -z "${DIRECT:-}" ] && echo "nginx :$port" || echo "the camera itself") (camera :$camera_port)"
if [ "$client" = c ]; then
  "${pin_load[@]}" "$out/hls_players" -n "$clients" -d "$seconds" \
    "http://127.0.0.1:$port/hls/index.m3u8" | tee "$out/players.txt"
  python3 - "$camera_port" <<'PY'
import json, sys, urllib.request

state = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/state"))
hls = state["formats"]["hls"]
print(f"camera: {hls['segmentRequests']} segment requests for {hls['segmentsRequested']} segments"
      f" (most for one: {hls['mostRequestsPerSegment']}), {hls['playlistRequests']} playlist requests,"
      f" window {hls['windowBytes']} bytes")
PY
  exit 0
fi
"${pin_load[@]}" python3 - "$port" "$camera_port" "$clients" "$seconds" <<'PY'
import asyncio, datetime, json, statistics, sys, time, urllib.request

port, camera_port, clients, seconds = (int(a) for a in sys.argv[1:5])
ages, errors, segments = [], [], []

async def request(reader, writer, path):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    status = (await reader.readline()).split(b" ", 2)
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return int(status[1]), body

def parse(playlist):
    entries, pdt, extinf = [], None, None
    for line in playlist.decode().splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            text = line.split(":", 1)[1].replace("Z", "+00:00")
            pdt = datetime.datetime.fromisoformat(text).timestamp()
        elif line.startswith("#EXTINF:"):
            extinf = float(line[8:].split(",")[0])
        elif line and not line.startswith("#"):
            entries.append((line, pdt + extinf if pdt is not None else None))
    return entries

async def player(start_at, end_at):
    await asyncio.sleep(start_at - time.time())
    seen = set()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.time() < end_at:
            due = time.time() + 1
            status, body = await request(reader, writer, "/hls/index.m3u8")
            if status != 200:
                errors.append(f"playlist {status}")
            else:
                for uri, captured in parse(body):
                    if uri in seen:
                        continue
                    status, data = await request(reader, writer, "/hls/" + uri)
                    if status == 200:
                        seen.add(uri)
                        if captured is not None and len(seen) > 1:  # the first is old by design
                            ages.append(time.time() - captured)
                    elif status != 404:
                        errors.append(f"segment {status}")
            await asyncio.sleep(max(0, due - time.time()))
        writer.close()
    except Exception as e:  # one player's failure is counted, the others go on
        errors.append(type(e).__name__)
    segments.append(len(seen))

async def main():
    now = time.time()
    # Players join over the first two seconds, as a crowd does, not in one instant.
    await asyncio.gather(*(player(now + 2 * i / clients, now + seconds) for i in range(clients)))

asyncio.run(main())
state = json.load(urllib.request.urlopen(f"http://127.0.0.1:{camera_port}/state"))
hls = state["formats"]["hls"]
q = statistics.quantiles(ages, n=100) if len(ages) > 1 else [float("nan")] * 99
print(f"segments per player: min {min(segments)} median {statistics.median(segments)} max {max(segments)}")
print(f"segment age at arrival: p50 {q[49]:.2f} s, p95 {q[94]:.2f} s ({len(ages)} segments)")
print(f"errors: {len(errors)} {sorted(set(errors))[:5]}")
print(f"camera: {hls['segmentRequests']} segment requests for {hls['segmentsRequested']} segments"
      f" (most for one: {hls['mostRequestsPerSegment']}), {hls['playlistRequests']} playlist requests,"
      f" window {hls['windowBytes']} bytes")
PY
