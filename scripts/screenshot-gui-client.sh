#!/usr/bin/env bash
# Makes docs/gui-client.png: starts an echo server, a virtual X display (Xvfb) and
# `socketkit gui-client`, presses Space once (the button has the focus: it turns ON and sends "ON"),
# waits for the echo, and saves the window. Then stops the echo server, presses Space again, and
# saves docs/gui-client-disconnected.png: what the window says when the server goes away.
# Needs: a JDK, Maven (for the first build), xvfb, x11-utils (xwininfo) and imagemagick (import).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/gui-client.png}"
out_disconnected="${out%.png}-disconnected.png"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/bin/socketkit" --version >/dev/null # builds socketkit.jar when it is missing or stale

# Waits (at most 20 s) until file $1 holds a line matching $2; prints that line.
await_line() {
  for _ in $(seq 200); do
    if line="$(grep -m1 -E "$2" "$1" 2>/dev/null)"; then
      echo "$line"
      return 0
    fi
    sleep 0.1
  done
  echo "screenshot: timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  return 1
}

# 1. The echo server (lecture section 2), on a free port.
"$root/bin/socketkit" echo-server --port 0 >"$work/echo.out" 2>&1 &
echo_pid=$!
pids+=("$echo_pid")
port="$(await_line "$work/echo.out" '^listening on ' | sed 's/.*://')"

# 2. A virtual display: Xvfb picks a free display number and writes it to fd 1.
Xvfb -displayfd 1 -screen 0 640x400x24 -nolisten tcp >"$work/xvfb.out" 2>"$work/xvfb.err" &
pids+=($!)
export DISPLAY=":$(await_line "$work/xvfb.out" '^[0-9]+$')"

# 3. The window (with anti-aliased text, as a desktop's font settings would give it).
JAVA_OPTS="${JAVA_OPTS:-} -Dawt.useSystemAAFontSettings=on" "$root/bin/socketkit" gui-client --port "$port" >"$work/gui.out" 2>&1 &
pids+=($!)
window=""
for _ in $(seq 200); do
  window="$(xwininfo -root -tree 2>/dev/null | awk '/"socketkit ON\/OFF/ {print $1; exit}')"
  [ -n "$window" ] && break
  sleep 0.1
done
[ -n "$window" ] || { echo "screenshot: the window did not open" >&2; cat "$work/gui.out" >&2; exit 1; }
sleep 1 # let it connect and paint

# 4. One click (Space on the focused button), then wait for the echo and take the picture.
java "$root/scripts/PressSpace.java"
sleep 1
import -window "$window" "$out"
echo "screenshot: wrote $out"

# 5. The server goes away; the next click cannot be sent.
kill "$echo_pid"
sleep 1
java "$root/scripts/PressSpace.java"
sleep 0.5
import -window "$window" "$out_disconnected"
echo "screenshot: wrote $out_disconnected"
