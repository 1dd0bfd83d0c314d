"""The lecture's picamera-style MJPEG server (section 9), fed JPEG files instead of a camera.

StreamingOutput keeps the newest frame under a threading.Condition and wakes every viewer when a
new one arrives; StreamingServer is ThreadingMixIn + http.server.HTTPServer, a thread per viewer;
StreamingHandler answers /stream.mjpg with multipart/x-mixed-replace; boundary=FRAME. A feeder
thread plays the *.jpg files of --frames (sorted, looping) at --fps, in place of picamera's
encoder. Each part also carries X-Timestamp (seconds since the epoch, when the frame was
published), so the load generator can measure frame age.

    python3 mjpeg_server.py --frames DIR --fps 30 --host 127.0.0.1 --port 8000

Prints "listening on HOST:PORT" once it accepts connections.
"""
import argparse
import glob
import os
import signal
import socketserver
import sys
import threading
import time
from http import server


class StreamingOutput:
    def __init__(self):
        self.frame = None
        self.timestamp = 0.0
        self.condition = threading.Condition()

    def write(self, buf):
        with self.condition:
            self.frame = buf
            self.timestamp = time.time()
            self.condition.notify_all()


OUTPUT = StreamingOutput()


class StreamingHandler(server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/stream.mjpg":
            self.send_error(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Age", 0)
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Pragma", "no-cache")
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=FRAME")
        self.end_headers()
        try:
            while True:
                with OUTPUT.condition:
                    OUTPUT.condition.wait()
                    frame = OUTPUT.frame
                    timestamp = OUTPUT.timestamp
                self.wfile.write(b"--FRAME\r\n")
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", len(frame))
                self.send_header("X-Timestamp", "%.6f" % timestamp)
                self.end_headers()
                self.wfile.write(frame)
                self.wfile.write(b"\r\n")
        except Exception:
            pass  # the viewer went away, as in the picamera example

    def log_message(self, format, *args):
        pass  # one line per request would cost more than the stream at a thousand viewers


class StreamingServer(socketserver.ThreadingMixIn, server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024


def feed(frames, fps):
    period = 1.0 / fps
    next_time = time.monotonic()
    i = 0
    while True:
        OUTPUT.write(frames[i % len(frames)])
        i += 1
        next_time += period
        delay = next_time - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_time = time.monotonic()  # fell behind: do not burst to catch up


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", required=True, help="directory of *.jpg frames")
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    names = sorted(glob.glob(os.path.join(args.frames, "*.jpg")))
    if not names:
        sys.exit(f"mjpeg_server: no *.jpg files in {args.frames}")
    frames = []
    for name in names:
        with open(name, "rb") as f:
            frames.append(f.read())
    threading.Thread(target=feed, args=(frames, args.fps), daemon=True).start()
    with StreamingServer((args.host, args.port), StreamingHandler) as httpd:
        host, port = httpd.server_address[:2]
        print(f"listening on {host}:{port}", flush=True)
        httpd.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
