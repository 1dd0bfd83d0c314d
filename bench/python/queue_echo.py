"""The lecture's select() + queue echo server (section 6), written for the benchmark.

r_sock lists the sockets to read, w_sock the sockets with something to send, and msgQueue maps
each client socket to a queue.Queue of messages waiting to be echoed. A received message is put
in the client's queue and the client added to w_sock; when select() reports the client writable,
one message is taken from the queue and sent, and a client whose queue is empty leaves w_sock.

    python3 queue_echo.py --host 127.0.0.1 --port 2500

Prints "listening on HOST:PORT" once it accepts connections. Limited to about 1,000 clients by
select()'s FD_SETSIZE.
"""
import argparse
import queue
import select
import signal
import socket
import sys

BUFSIZE = 65536


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
    server.setblocking(False)
    host, port = server.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)

    r_sock = [server]
    w_sock = []
    msgQueue = {}

    def drop(s):
        if s in w_sock:
            w_sock.remove(s)
        r_sock.remove(s)
        del msgQueue[s]
        s.close()

    while True:
        readable, writable, exceptional = select.select(r_sock, w_sock, r_sock)
        for s in readable:
            if s is server:
                client, _ = server.accept()
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                r_sock.append(client)
                msgQueue[client] = queue.Queue()
                continue
            try:
                data = s.recv(BUFSIZE)
            except (BlockingIOError, InterruptedError):
                continue
            except ConnectionError:
                data = b""
            if data:
                msgQueue[s].put(data)
                if s not in w_sock:
                    w_sock.append(s)
            else:
                drop(s)
        for s in writable:
            if s not in msgQueue:
                continue  # closed above in this pass
            try:
                next_msg = msgQueue[s].get_nowait()
            except queue.Empty:
                w_sock.remove(s)
                continue
            try:
                sent = s.send(next_msg)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except ConnectionError:
                drop(s)
                continue
            if sent < len(next_msg):
                # The lecture's code would lose the rest here; a full socket buffer must pause,
                # never drop bytes, so the rest goes back to the front of the queue.
                rest = msgQueue[s]
                msgQueue[s] = queue.Queue()
                msgQueue[s].put(next_msg[sent:])
                while not rest.empty():
                    msgQueue[s].put(rest.get_nowait())
        for s in exceptional:
            if s in msgQueue:
                drop(s)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
