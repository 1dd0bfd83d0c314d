package dev.socketkit.loadgen.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/*
 * Design notes.
 *
 * A push parser, as MultipartScanner: the caller hands it whatever a read returned, in any split,
 * and it keeps its place between calls. After the HTTP response head (status 200, a video/mp4
 * Content-Type, no chunked framing: the request is HTTP/1.0), the body is read box by box (ISO/IEC
 * 14496-12 4.2): a 32-bit size and a four-character type, a 64-bit size after the type when the
 * size is 1. Only two things are ever held: the box header (at most 16 bytes) and the first bytes
 * of a prft box's body (PRFT_KEPT); every other body is skipped by advancing the buffer's
 * position, never copied.
 *
 * A fragment, as the camera's Fmp4Writer writes it for /stream.mp4, is an optional prft, a moof and
 * an mdat; the fragment is complete when the mdat's last byte has arrived, and that is when the
 * listener hears of it, with the capture time the prft before the moof carried. prft
 * (ProducerReferenceTimeBox, 14496-12 8.16.5): version and flags, reference_track_ID, a 64-bit NTP
 * timestamp (RFC 5905: seconds since 1900, then a 32-bit fraction), media_time (32 or 64 bits).
 * An HLS segment is the same fragments back to back, so the same parser reads a segment too.
 *
 * The stream must start with ftyp (the init segment); a box whose size cannot be (below its own
 * header, zero = "to the end of the file", which a live stream cannot promise, or over MAX_BOX)
 * or whose type is not four printable characters is a protocol error: it means the parser lost
 * its place, and every count after it would be noise.
 */

/**
 * Parses an HTTP response carrying a fragmented MP4 stream, incrementally, and reports each
 * complete media fragment ({@code moof} + {@code mdat}) with the capture time from the {@code prft}
 * box before it.
 *
 * <p>Not thread-safe: one scanner per stream, fed by one thread.
 */
public final class Mp4Scanner {
  /** Receives each complete fragment; called on the feeding thread. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A fragment's last byte arrived.
     *
     * @param bytes the fragment's size: its {@code prft} (if any), {@code moof} and {@code mdat}
     * @param captureEpochMicros the {@code prft}'s NTP time as microseconds since the Unix epoch,
     *     or {@link Long#MIN_VALUE} when no {@code prft} came before the {@code moof}
     */
    void fragment(long bytes, long captureEpochMicros);
  }

  /** Seconds from the NTP epoch (1900) to the Unix epoch (1970), RFC 5905 figure 4. */
  static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

  /** The largest box believed; a live fragment of one picture is kilobytes, a segment megabytes. */
  static final long MAX_BOX = 256L * 1024 * 1024;

  /** Of a prft body, the bytes read: version/flags, track, NTP time; media_time is not needed. */
  private static final int PRFT_KEPT = 16;

  private static final int MAX_LINE = 8192; // a response head line; the camera's are short

  private enum State {
    STATUS,
    HEADERS,
    BOX_HEADER,
    BOX_KEEP,
    BOX_SKIP
  }

  private final Listener listener;
  private final boolean withHead;
  private State state;
  private byte[] line = new byte[128];
  private int lineLength;
  private boolean videoMp4;
  private final byte[] header = new byte[16];
  private int headerLength;
  private final byte[] kept = new byte[PRFT_KEPT];
  private int keptLength;
  private String type; // of the box being read
  private long remaining; // of its body
  private long boxes;
  private long fragmentBytes; // of the fragment so far: its prft and moof
  private boolean inFragment; // a moof came, its mdat has not ended
  private long capture = Long.MIN_VALUE; // the pending prft's time

  /**
   * A scanner that reports fragments to {@code listener}.
   *
   * @param withHead true when the bytes start with an HTTP response head (a live stream as the
   *     socket delivers it); false for a bare MP4 body (an HLS segment)
   */
  public Mp4Scanner(Listener listener, boolean withHead) {
    this.listener = listener;
    this.withHead = withHead;
    this.state = withHead ? State.STATUS : State.BOX_HEADER;
  }

  /** Boxes whose header has been read so far, at the top level. */
  public long boxes() {
    return boxes;
  }

  /**
   * Consumes every remaining byte of {@code in}, reporting each fragment completed on the way.
   *
   * @throws MalformedStreamException at the first byte that breaks the format; the scanner is then
   *     unusable
   */
  public void feed(ByteBuffer in) throws MalformedStreamException {
    while (in.hasRemaining()) {
      switch (state) {
        case STATUS, HEADERS -> {
          if (readLine(in)) {
            line();
            lineLength = 0;
          }
        }
        case BOX_HEADER -> boxHeader(in);
        case BOX_KEEP -> keep(in);
        case BOX_SKIP -> skip(in);
      }
    }
  }

  private boolean readLine(ByteBuffer in) throws MalformedStreamException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == line.length) {
        if (line.length >= MAX_LINE) {
          throw new MalformedStreamException("header line longer than " + MAX_LINE + " bytes");
        }
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private void line() throws MalformedStreamException {
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    if (state == State.STATUS) {
      if (!text.startsWith("HTTP/1.") || text.length() < 12) {
        throw new MalformedStreamException("not an HTTP response: " + abbreviated(text));
      }
      if (!text.startsWith("200", 9)) {
        throw new MalformedStreamException("status is not 200: " + abbreviated(text));
      }
      state = State.HEADERS;
      return;
    }
    if (text.isEmpty()) {
      if (!videoMp4) {
        throw new MalformedStreamException("not an MP4 stream: no Content-Type: video/mp4");
      }
      state = State.BOX_HEADER;
      return;
    }
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = colon < 0 ? "" : text.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
    if (name.equals("content-type")) {
      videoMp4 = value.startsWith("video/mp4");
    } else if (name.equals("transfer-encoding") && !value.equals("identity")) {
      // An HTTP/1.0 request must not get one (RFC 9112 section 6.1); we would misread the chunks.
      throw new MalformedStreamException("Transfer-Encoding: " + value + " to an HTTP/1.0 request");
    }
  }

  private void boxHeader(ByteBuffer in) throws MalformedStreamException {
    int need = headerLength < 8 ? 8 : 16;
    int take = Math.min(need - headerLength, in.remaining());
    in.get(header, headerLength, take);
    headerLength += take;
    if (headerLength < 8) {
      return;
    }
    long size = ByteBuffer.wrap(header, 0, 8).getInt() & 0xFFFF_FFFFL;
    if (size == 1 && headerLength < 16) {
      return; // a 64-bit largesize follows the type
    }
    int headerSize = size == 1 ? 16 : 8;
    if (size == 1) {
      size = ByteBuffer.wrap(header, 8, 8).getLong();
    }
    type = fourcc();
    if (size == 0) {
      throw new MalformedStreamException("box '" + type + "' runs to the end of the stream");
    }
    if (size < headerSize || size > MAX_BOX) {
      throw new MalformedStreamException(
          "box '"
              + type
              + "' of "
              + size
              + " bytes (expected: "
              + headerSize
              + " to "
              + MAX_BOX
              + ")");
    }
    if (boxes == 0 && withHead && !type.equals("ftyp")) {
      throw new MalformedStreamException("the stream starts with '" + type + "', not 'ftyp'");
    }
    boxes++;
    headerLength = 0;
    remaining = size - headerSize;
    switch (type) {
      case "prft" -> {
        if (inFragment) {
          throw new MalformedStreamException("prft inside a fragment, before its mdat");
        }
        fragmentBytes = size;
        capture = Long.MIN_VALUE;
        keptLength = 0;
        state = State.BOX_KEEP;
      }
      case "moof" -> {
        if (inFragment) {
          throw new MalformedStreamException("a second moof before the first one's mdat");
        }
        inFragment = true;
        fragmentBytes += size;
        state = State.BOX_SKIP;
      }
      case "mdat" -> {
        if (!inFragment) {
          throw new MalformedStreamException("mdat without a moof");
        }
        fragmentBytes += size;
        state = State.BOX_SKIP;
      }
      default -> {
        if (inFragment) {
          fragmentBytes += size; // a box between moof and mdat belongs to the fragment
        } else {
          fragmentBytes = 0; // a prft applies to the moof right after it only
          capture = Long.MIN_VALUE;
        }
        state = State.BOX_SKIP;
      }
    }
    if (remaining == 0) {
      boxEnded();
    }
  }

  private String fourcc() throws MalformedStreamException {
    for (int i = 4; i < 8; i++) {
      if (header[i] < 0x20 || header[i] > 0x7e) {
        throw new MalformedStreamException(
            String.format(
                Locale.ROOT,
                "box type is not four characters: %02x %02x %02x %02x",
                header[4],
                header[5],
                header[6],
                header[7]));
      }
    }
    return new String(header, 4, 4, StandardCharsets.ISO_8859_1);
  }

  private void keep(ByteBuffer in) throws MalformedStreamException {
    int take = (int) Math.min(Math.min(remaining, in.remaining()), PRFT_KEPT - keptLength);
    in.get(kept, keptLength, take);
    keptLength += take;
    remaining -= take;
    if (keptLength == PRFT_KEPT || remaining == 0) {
      if (keptLength == PRFT_KEPT) {
        capture = epochMicros(ByteBuffer.wrap(kept, 8, 8).getLong());
      }
      state = State.BOX_SKIP; // the rest of it, if any
      if (remaining == 0) {
        boxEnded();
      }
    }
  }

  private void skip(ByteBuffer in) throws MalformedStreamException {
    int take = (int) Math.min(remaining, in.remaining());
    in.position(in.position() + take);
    remaining -= take;
    if (remaining == 0) {
      boxEnded();
    }
  }

  private void boxEnded() throws MalformedStreamException {
    state = State.BOX_HEADER;
    if (type.equals("prft") && capture == Long.MIN_VALUE) {
      throw new MalformedStreamException("prft of " + keptLength + " bytes: too short");
    }
    if (type.equals("mdat")) {
      inFragment = false;
      long bytes = fragmentBytes;
      long time = capture;
      fragmentBytes = 0;
      capture = Long.MIN_VALUE;
      listener.fragment(bytes, time);
    }
  }

  /** A 64-bit NTP timestamp as microseconds since the Unix epoch. */
  static long epochMicros(long ntp) {
    long seconds = (ntp >>> 32) - NTP_UNIX_OFFSET_SECONDS;
    long fraction = ((ntp & 0xFFFF_FFFFL) * 1_000_000L) >>> 32;
    return seconds * 1_000_000L + fraction;
  }

  private static String abbreviated(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
