"""Saves the first COUNT JPEG parts of an MJPEG stream as DIR/frame0000.jpg, frame0001.jpg, ...

    python3 dump_frames.py http://127.0.0.1:8000/stream.mjpg DIR 30

bench/run.sh uses it to feed the Python MJPEG server the very frames socketkit's camera test
pattern produces.
"""
import os
import sys
import urllib.request


def main():
    url, directory, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(directory, exist_ok=True)
    with urllib.request.urlopen(url, timeout=10) as response:
        saved = 0
        while saved < count:
            line = response.readline()
            if not line:
                sys.exit("dump_frames: the stream ended early")
            if not line.startswith(b"--"):
                continue
            length = None
            while True:
                header = response.readline().strip()
                if not header:
                    break
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                sys.exit("dump_frames: a part without Content-Length")
            with open(os.path.join(directory, "frame%04d.jpg" % saved), "wb") as f:
                f.write(response.read(length))
            saved += 1


if __name__ == "__main__":
    main()
