"""The lecture's socketserver.ThreadingTCPServer echo server (sections 7 and 8), for the benchmark.

A thread per connection (ThreadingMixIn); the handler echoes what it receives until the client
closes.

    python3 threading_echo.py --host 127.0.0.1 --port 2500

Prints "listening on HOST:PORT" once it accepts connections.
"""
import argparse
import signal
import socket
import socketserver
import sys

BUFSIZE = 65536


class EchoHandler(socketserver.BaseRequestHandler):
    def setup(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        while True:
            try:
                data = self.request.recv(BUFSIZE)
            except ConnectionError:
                return
            if not data:
                return
            self.request.sendall(data)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024  # the default 5 overflows when a thousand clients connect at once


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2500)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Server((args.host, args.port), EchoHandler) as server:
        host, port = server.server_address[:2]
        print(f"listening on {host}:{port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
