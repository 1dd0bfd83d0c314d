#!/usr/bin/env bash
# Many cameras from one server: `socketkit camera --config` with CAMERAS dir: cameras at 30 fps and
# VIEWERS MJPEG viewers each, measured by the independent C client (bench/c/mjpeg_viewers.c, one
# process per camera), on the JDK that bin/socketkit runs by default and on a JDK 21+, side by side.
# Each JDK runs twice in the same script run: without a scraper, then with /metrics scraped once a
# second (curl), so the scrape's cost is the ratio of the frames delivered per second of the two.
#
# The frames are the camera's own test pattern (640x480, --quality 80), 30 of them dumped from its
# stream into a folder that every camera plays (dir:). The server (-Xmx256m) is pinned to CPU 0, the
# clients and the scraper to CPU 1 (taskset); every process runs with `ulimit -n 20000`.
#
#   bench/cameras.sh                 16 cameras x 100 viewers, 10 s windows after 3 s warm-up
#   bench/cameras.sh --quick         3 s windows after 2 s warm-up
#
# Environment: CAMERAS (16), VIEWERS (100 per camera), JAVA17 (default: java on PATH), JAVA21_HOME
# (default: the first JDK 21+ under /usr/lib/jvm), DURATION / WARMUP (seconds), CAMERA_CPU /
# LOAD_CPU, SOCKETKIT_JAR (default: build cli's jar). Raw output stays in bench/target/cameras/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh" # log, prepare, start_server, field ...
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "cameras.sh: unknown argument $arg (expected: --quick)" >&2; exit 2 ;;
  esac
done
set_window
cameras="${CAMERAS:-16}"
viewers="${VIEWERS:-100}"
camera_cpu="${CAMERA_CPU:-0}"
load_cpu="${LOAD_CPU:-1}"

# shellcheck source=bench/jdks.sh
. "$root/bench/jdks.sh" # feature_of, java17, java21
need_tools cameras.sh taskset cc curl python3

prepare cameras mjpeg_viewers
mkdir -p "$out/frames"
scraper_pid="" # stopped on exit too (lib.sh's cleanup)

# The frames every camera plays: the test pattern, as the single-camera benchmarks see it.
start_server server "$out/frames.log" "$java17" -jar "$jar" camera --port 0 --size 640x480 --fps 30 --quality 80
python3 "$root/bench/python/dump_frames.py" "http://127.0.0.1:$server_port/stream.mjpg" "$out/frames" 30
stop_server
frame_bytes="$(du -b "$out"/frames/* | awk '{s += $1; n++} END {printf "%.0f", s / n}')"

config="$out/cameras.yaml"
{
  echo "server:"
  echo "  port: 0"
  echo "  max-connections-per-client: 20000"
  echo "cameras:"
  for i in $(seq 1 "$cameras"); do
    printf '  - name: cam%02d\n    source: dir:%s\n    fps: 30\n    max-viewers: %d\n' \
      "$i" "$out/frames" "$((viewers + 10))"
  done
} >"$config"

pick_jdks

rows=()
for java in "${jdks[@]}"; do
  jdk="$(feature_of "$java")"
  baseline=""
  for scrape in off on; do
    name="jdk$jdk-scrape-$scrape"
    start_server server "$out/$name.server.log" "$java" -Xmx256m -jar "$jar" camera --config "$config" || continue
    threads_idle="$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status")"
    if [ "$scrape" = on ]; then
      (exec taskset -c "$load_cpu" bash -c "while :; do curl -fsS -o /dev/null \
        -w '%{time_total}\n' http://127.0.0.1:$server_port/metrics; sleep 1; done" \
        >"$out/$name.scrapes" 2>&1) &
      scraper_pid=$!
    fi
    clients=()
    for i in $(seq 1 "$cameras"); do
      cam="$(printf 'cam%02d' "$i")"
      (ulimit -n 20000; exec taskset -c "$load_cpu" "$work/mjpeg_viewers" -n "$viewers" \
        -w "$warmup" -d "$duration" -p "$server_pid" \
        "http://127.0.0.1:$server_port/cameras/$cam/stream.mjpg") >"$out/$name-$cam.txt" 2>&1 &
      clients+=($!)
    done
    for pid in "${clients[@]}"; do wait "$pid" || log "$name: a client failed"; done
    threads_load="$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status")"
    if [ -n "$scraper_pid" ]; then kill "$scraper_pid" 2>/dev/null || true; wait "$scraper_pid" 2>/dev/null || true; scraper_pid=""; fi
    stop_server
    # Over every camera's client: the slowest viewer, the median of the medians, the worst p99,
    # the errors, and the distinct frames delivered per second in total.
    for f in "$out/$name"-cam*.txt; do
      echo "$(field "$f" "fps per viewer:" 2) $(field "$f" "fps per viewer:" 4)" \
        "$(sed -n 's/^fps per viewer:.*(\([0-9]*\) distinct frames).*/\1/p' "$f")" \
        "$(field "$f" "frame age ms:" 4) $(field "$f" "errors:" 1)" \
        "$(sed -n 's/^server: cpu \([0-9.]*\)%.*/\1/p' "$f")"
    done >"$out/$name.per-camera"
    fmed="$(awk '{print $2}' "$out/$name.per-camera" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')"
    summary="$(awk -v d="$duration" '
      { if (min == "" || $1 + 0 < min + 0) min = $1; frames += $3;
        if ($4 + 0 > p99 + 0) p99 = $4; errors += $5; cpu = $6 }
      END { printf "%s %.0f %s %d %s", min, frames / d, p99, errors, cpu }' "$out/$name.per-camera")"
    read -r fmin delivered p99 errors cpu <<<"$summary"
    if [ "$scrape" = off ]; then baseline="$delivered"; ratio="1.00"; else
      ratio="$(awk -v a="$delivered" -v b="$baseline" 'BEGIN {printf (b > 0 ? "%.3f" : "?"), a / b}')"; fi
    scrapes="-"
    if [ "$scrape" = on ]; then
      scrapes="$(sort -n "$out/$name.scrapes" | awk '{v[NR] = $1 * 1000} END {printf "%d, p50 %.1f ms, max %.1f ms", NR, v[int((NR + 1) / 2)], v[NR]}')"
    fi
    rows+=("| $jdk | $scrape | $fmin / $fmed | $p99 | $errors | $threads_idle → $threads_load | $cpu % | $delivered | $ratio | $scrapes |")
    log "$name: slowest viewer $fmin fps, median $fmed, frames delivered $delivered/s, ratio $ratio"
  done
done

{
  echo "$cameras cameras (dir:, the test pattern's 640x480 frames, $frame_bytes bytes on average, 30 fps) x $viewers"
  echo "MJPEG viewers each, one server ($(basename "$jar") camera --config, -Xmx256m) on CPU $camera_cpu; C clients"
  echo "and scraper on CPU $load_cpu; ${duration} s window after ${warmup} s warm-up; $(date -u '+%Y-%m-%d %H:%M UTC')."
  jdk_lines
  echo
  echo "| JDK | /metrics scraped every 1 s | fps per viewer: slowest / median | frame age p99 ms (worst camera) | errors | server threads idle → load | server CPU | frames delivered per s | vs no scraper | scrapes |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$out/table.md"
