package dev.socketkit.camera.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream of concatenated JPEG images (ffmpeg's {@code -f mjpeg}, or the body of a
 * multipart part) into whole images, by walking the JPEG marker structure.
 *
 * <p>A plain search for {@code FF D9} is not enough: an EXIF thumbnail holds its own EOI inside an
 * APP1 segment. So the splitter finds SOI ({@code FF D8}), skips each marker segment by its length,
 * and after SOS scans the entropy-coded data, where {@code FF} is always followed by {@code 00}
 * (stuffing) or a restart marker, until a real marker; {@code FF D9} there ends the image. Bytes
 * between images (multipart boundaries, garbage) are skipped; a broken image is dropped and the
 * splitter resynchronises on the next SOI.
 *
 * <p>Not thread-safe: one reader thread. Does not close the stream.
 */
public final class JpegStreamSplitter {
  /**
   * The default cap: larger than any sane camera frame (an 8K JPEG at top quality is ~20 MB), for a
   * local ffmpeg; a relayed server gets the camera's smaller {@code --max-frame-size}.
   */
  public static final int MAX_FRAME = 32 * 1024 * 1024;

  private final InputStream in;
  private final int maxFrame;
  private long oversizedFrames;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private final ByteArrayOutputStream frame = new ByteArrayOutputStream(128 * 1024);
  private long skippedBytes;

  /** Reads from {@code in}, which the caller closes, with frames up to {@link #MAX_FRAME}. */
  public JpegStreamSplitter(InputStream in) {
    this(in, MAX_FRAME);
  }

  /**
   * Reads from {@code in}, which the caller closes; an image larger than {@code maxFrame} bytes is
   * dropped (counted in {@link #oversizedFrames()}) as soon as it passes the cap, and the splitter
   * resynchronises on the next image: no more than the cap is ever held.
   */
  public JpegStreamSplitter(InputStream in, int maxFrame) {
    if (maxFrame < 4) {
      throw new IllegalArgumentException("maxFrame: " + maxFrame + " (expected: >= 4)");
    }
    this.in = in;
    this.maxFrame = maxFrame;
  }

  /** How many images were dropped for being larger than the cap. */
  public long oversizedFrames() {
    return oversizedFrames;
  }

  /** How many bytes outside images (or in broken images) were skipped so far. */
  public long skippedBytes() {
    return skippedBytes;
  }

  /**
   * The next whole JPEG image, or null at the end of the stream (a partial image at the end is
   * dropped).
   *
   * @throws IOException if reading fails
   */
  public byte[] next() throws IOException {
    boolean haveSoi = false;
    while (true) {
      if (!haveSoi && !findSoi()) {
        return null;
      }
      haveSoi = false;
      frame.reset();
      frame.write(0xFF);
      frame.write(0xD8);
      int result = readBody();
      if (result == BODY_DONE) {
        return frame.toByteArray();
      }
      if (result == BODY_EOF) {
        skippedBytes += frame.size();
        return null;
      }
      skippedBytes += frame.size();
      haveSoi = result == BODY_NEW_SOI;
    }
  }

  private static final int BODY_DONE = 0;
  private static final int BODY_EOF = 1;
  private static final int BODY_BROKEN = 2;
  private static final int BODY_NEW_SOI = 3;

  /** Scans to just after the next {@code FF D8}; false at end of stream. */
  private boolean findSoi() throws IOException {
    int previous = -1;
    while (true) {
      int b = read();
      if (b < 0) {
        return false;
      }
      if (previous == 0xFF && b == 0xD8) {
        return true;
      }
      if (previous >= 0) {
        skippedBytes++;
      }
      previous = b;
    }
  }

  private int readBody() throws IOException {
    while (true) {
      int b = read();
      if (b < 0) {
        return BODY_EOF;
      }
      if (b != 0xFF) {
        return BODY_BROKEN;
      }
      int marker = read();
      while (marker == 0xFF) {
        marker = read(); // fill bytes
      }
      if (marker < 0) {
        return BODY_EOF;
      }
      int result = segment(marker);
      if (result >= 0) {
        return result;
      }
    }
  }

  /**
   * Handles one marker (and, after a start of scan, the markers that end its entropy-coded data, in
   * a loop: a stream of thousands of scans must not take thousands of stack frames); returns a
   * BODY_ result when the image ends, or -1 to go on.
   */
  private int segment(int first) throws IOException {
    int marker = first;
    segments:
    while (true) {
      if (marker == 0xD8) {
        return BODY_NEW_SOI;
      }
      frame.write(0xFF);
      frame.write(marker);
      if (marker == 0xD9) {
        return BODY_DONE;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x00) {
        return marker == 0x00 ? BODY_BROKEN : -1;
      }
      int high = read();
      int low = read();
      if (low < 0) {
        return BODY_EOF;
      }
      frame.write(high);
      frame.write(low);
      int length = (high << 8) | low;
      if (length < 2) {
        return BODY_BROKEN;
      }
      if (!copy(length - 2)) {
        return BODY_EOF;
      }
      if (frame.size() > maxFrame) {
        oversizedFrames++;
        return BODY_BROKEN;
      }
      if (marker != 0xDA) {
        return -1;
      }
      // Entropy-coded data after SOS, until a marker other than stuffing or restart.
      while (true) {
        if (pos == limit && !fill()) {
          return BODY_EOF;
        }
        int start = pos;
        while (pos < limit && buf[pos] != (byte) 0xFF) {
          pos++;
        }
        frame.write(buf, start, pos - start);
        if (frame.size() > maxFrame) {
          oversizedFrames++;
          return BODY_BROKEN;
        }
        if (pos == limit) {
          continue;
        }
        pos++; // the FF
        int next = read();
        while (next == 0xFF) {
          next = read();
        }
        if (next < 0) {
          return BODY_EOF;
        }
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
          frame.write(0xFF);
          frame.write(next);
          continue;
        }
        marker = next;
        continue segments;
      }
    }
  }

  private boolean copy(int count) throws IOException {
    while (count > 0) {
      if (pos == limit && !fill()) {
        return false;
      }
      int n = Math.min(count, limit - pos);
      frame.write(buf, pos, n);
      pos += n;
      count -= n;
    }
    return true;
  }

  private int read() throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xFF;
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}
