"""The lecture's select() echo server (section 2), written for the benchmark.

One thread; the listening socket and every client socket go into one list that select.select()
watches for reading. A readable listening socket means a client is waiting to be accepted; a
readable client socket means data (echoed back at once) or the end of the connection.

    python3 select_echo.py --host 127.0.0.1 --port 2500

Prints "listening on HOST:PORT" once it accepts connections. select() is limited to descriptors
below FD_SETSIZE (1024), so this server holds about 1,000 clients at most, as in the lecture.
"""
import argparse
import select
import signal
import socket
import sys

BUFSIZE = 65536  # one recv() takes a whole 4 KiB message; the lecture's 1024 would split it


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2500)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((args.host, args.port))
    server.listen(1024)
    host, port = server.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)

    socks = [server]
    while True:
        r_sock, w_sock, e_sock = select.select(socks, [], [])
        for s in r_sock:
            if s is server:
                client, _ = server.accept()
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                socks.append(client)
                continue
            try:
                data = s.recv(BUFSIZE)
                if data:
                    s.sendall(data)
            except ConnectionError:  # a reset between recv and sendall ends this client only
                data = b""
            if not data:
                socks.remove(s)
                s.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
