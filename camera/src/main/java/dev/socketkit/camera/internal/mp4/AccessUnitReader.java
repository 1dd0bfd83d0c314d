package dev.socketkit.camera.internal.mp4;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an Annex-B H.264 stream (ffmpeg's {@code -f h264} on a pipe) one access unit, one picture,
 * at a time.
 *
 * <p>A NAL unit ends where the next start code begins, so a picture is returned once the first NAL
 * unit of the next one has arrived (with ffmpeg's access unit delimiters, {@code -bsf:v
 * h264_metadata=aud=insert}, that is the next picture's first bytes), or at the end of the stream.
 *
 * <p>Threading: one thread reads; the reader does not close the stream.
 */
public final class AccessUnitReader {
  /** The largest NAL unit accepted; a bigger one is a broken stream, not a picture. */
  static final int MAX_NAL_BYTES = 16 * 1024 * 1024;

  private final InputStream in;
  private byte[] buf = new byte[64 * 1024];
  private int len;
  private int nalStart = -1; // offset of the current NAL unit's first byte, -1 before a start code
  private int scanFrom;
  private boolean eof;
  private final List<byte[]> current = new ArrayList<>();
  private boolean currentHasSlice;

  /** Reads from {@code in}, which the caller closes. */
  public AccessUnitReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next picture, or null at the end of the stream. Parameter sets and SEI before a picture
   * belong to it. Blocks while the stream has no complete picture.
   *
   * @throws IOException if reading fails, or a NAL unit is larger than 16 MiB
   */
  public AccessUnit next() throws IOException {
    while (true) {
      byte[] nal = nextNal();
      if (nal == null) {
        if (!currentHasSlice) {
          current.clear();
          return null;
        }
        return take();
      }
      if (currentHasSlice && AnnexB.startsAccessUnit(nal)) {
        AccessUnit unit = take();
        add(nal);
        return unit;
      }
      add(nal);
    }
  }

  private void add(byte[] nal) {
    current.add(nal);
    currentHasSlice |= AnnexB.isSlice(nal);
  }

  private AccessUnit take() {
    AccessUnit unit = new AccessUnit(current);
    current.clear();
    currentHasSlice = false;
    return unit;
  }

  /** The next NAL unit without its start code, or null at the end of the stream. */
  private byte[] nextNal() throws IOException {
    while (true) {
      if (nalStart < 0) {
        int code = findStartCode(0);
        if (code >= 0) {
          nalStart = code + 3;
          scanFrom = nalStart;
          continue;
        }
        // Keep the last two bytes: they may be the first two of a start code.
        int keep = Math.min(len, 2);
        System.arraycopy(buf, len - keep, buf, 0, keep);
        len = keep;
        if (!fill()) {
          return null;
        }
        continue;
      }
      int code = findStartCode(scanFrom);
      if (code >= 0) {
        byte[] nal = trimmed(nalStart, code);
        int rest = code + 3;
        System.arraycopy(buf, rest, buf, 0, len - rest);
        len -= rest;
        nalStart = 0;
        scanFrom = 0;
        if (nal != null) {
          return nal;
        }
        continue;
      }
      scanFrom = Math.max(nalStart, len - 2);
      if (!fill()) {
        byte[] nal = trimmed(nalStart, len);
        nalStart = -1;
        len = 0;
        return nal;
      }
    }
  }

  private int findStartCode(int from) {
    for (int i = from; i + 2 < len; i++) {
      if ((buf[i + 2] & 0xFF) > 1) {
        i += 2; // no start code can end at i + 2, nor include it
      } else if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
        return i;
      }
    }
    return -1;
  }

  private byte[] trimmed(int from, int to) {
    int end = to;
    while (end > from && buf[end - 1] == 0) {
      end--; // the zero_byte of a four-byte start code, or trailing_zero_8bits
    }
    return end > from ? Arrays.copyOfRange(buf, from, end) : null;
  }

  /** Reads more bytes; false at the end of the stream. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (len == buf.length) {
      if (buf.length >= MAX_NAL_BYTES + 3) {
        throw new IOException("H.264 NAL unit larger than " + MAX_NAL_BYTES + " bytes");
      }
      buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_NAL_BYTES + 3));
    }
    int n = in.read(buf, len, buf.length - len);
    if (n < 0) {
      eof = true;
      return false;
    }
    len += n;
    return true;
  }
}
