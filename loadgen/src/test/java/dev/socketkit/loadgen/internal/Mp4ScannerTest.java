package dev.socketkit.loadgen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The box parser, fed the bytes the camera's own {@link Fmp4Writer} makes. */
class Mp4ScannerTest {
  // An H.264 High profile SPS of 330x250 and its PPS, as camera's SpsTest has them.
  private static final byte[] SPS =
      HexFormat.of().parseHex("6764000dacd9415087924c0440000003004000000f03c50a6580");
  private static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");
  private static final byte[] IDR = HexFormat.of().parseHex("65888400000300aa");
  private static final byte[] P = HexFormat.of().parseHex("419a2438");
  private static final byte[] HEAD =
      "HTTP/1.0 200 OK\r\nContent-Type: video/mp4; codecs=\"avc1.64000d\"\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1);
  private static final long CAPTURE = 1_795_000_000_123_456L; // 2026, microseconds

  private record Seen(long bytes, long capture) {}

  /** The init segment and {@code count} one-picture fragments, 33.3 ms of capture time apart. */
  private static List<byte[]> stream(int count, boolean prft) {
    Fmp4Writer writer = new Fmp4Writer(SPS, PPS);
    List<byte[]> parts = new ArrayList<>();
    parts.add(writer.initSegment());
    for (int i = 0; i < count; i++) {
      AccessUnit picture = new AccessUnit(List.of(i % 3 == 0 ? IDR : P));
      parts.add(
          writer.fragment(
              List.of(new Fmp4Writer.Sample(picture, 3000)), prft ? CAPTURE + i * 33_333L : -1));
    }
    return parts;
  }

  private static byte[] concat(byte[] first, List<byte[]> rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(first);
    rest.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in pieces of the sizes {@code split} gives, and returns the fragments. */
  private static List<Seen> scan(byte[] bytes, boolean withHead, IntSupplier split)
      throws MalformedStreamException {
    List<Seen> seen = new ArrayList<>();
    Mp4Scanner scanner =
        new Mp4Scanner((size, capture) -> seen.add(new Seen(size, capture)), withHead);
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, Math.max(1, split.getAsInt()));
      ByteBuffer piece = ByteBuffer.wrap(bytes, at, n);
      scanner.feed(piece);
      assertThat(piece.hasRemaining()).isFalse();
      at += n;
    }
    return seen;
  }

  private static List<Seen> scanWhole(byte[] bytes) throws MalformedStreamException {
    return scan(bytes, true, () -> Integer.MAX_VALUE);
  }

  @Test
  void reportsEveryFragmentOfTheLiveStreamWithItsSizeAndCaptureTime() throws Exception {
    List<byte[]> parts = stream(4, true);

    List<Seen> seen = scanWhole(concat(HEAD, parts));

    assertThat(seen).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(seen.get(i).bytes()).isEqualTo(parts.get(i + 1).length);
      // NTP's 32-bit fraction is finer than a microsecond; the round trip may floor by one.
      assertThat(seen.get(i).capture()).isBetween(CAPTURE + i * 33_333L - 1, CAPTURE + i * 33_333L);
    }
  }

  @Test
  void anySplitOfTheBytesGivesTheSameFragments() throws Exception {
    byte[] bytes = concat(HEAD, stream(6, true));
    List<Seen> whole = scanWhole(bytes);

    assertThat(scan(bytes, true, () -> 1)).isEqualTo(whole);
    Random random = new Random(14);
    for (int run = 0; run < 50; run++) {
      assertThat(scan(bytes, true, () -> 1 + random.nextInt(40))).isEqualTo(whole);
    }
  }

  @Test
  void aFragmentWithoutPrftIsReportedWithoutATime() throws Exception {
    List<byte[]> parts = stream(2, false);

    List<Seen> seen = scanWhole(concat(HEAD, parts));

    assertThat(seen)
        .containsExactly(
            new Seen(parts.get(1).length, Long.MIN_VALUE),
            new Seen(parts.get(2).length, Long.MIN_VALUE));
  }

  @Test
  void readsAnHlsSegmentOfFragmentsBackToBackWithoutAResponseHead() throws Exception {
    List<byte[]> parts = stream(5, true);
    byte[] segment = concat(new byte[0], parts.subList(1, parts.size()));

    List<Seen> seen = scan(segment, false, () -> 7);

    assertThat(seen).hasSize(5);
    assertThat(seen.get(4).capture()).isBetween(CAPTURE + 4 * 33_333L - 1, CAPTURE + 4 * 33_333L);
  }

  @Test
  void skipsABoxWithA64BitSize() throws Exception {
    ByteBuffer free = ByteBuffer.allocate(16 + 5);
    free.putInt(1).put("free".getBytes(StandardCharsets.ISO_8859_1)).putLong(21).put(new byte[5]);
    List<byte[]> parts = stream(1, true);
    List<byte[]> withFree = new ArrayList<>(parts);
    withFree.add(1, free.array());

    assertThat(scanWhole(concat(HEAD, withFree))).hasSize(1);
  }

  @Test
  void convertsNtpTimeToUnixMicroseconds() {
    long ntp = (Mp4Scanner.NTP_UNIX_OFFSET_SECONDS + 10) << 32 | 0x8000_0000L; // 10.5 s after 1970
    assertThat(Mp4Scanner.epochMicros(ntp)).isEqualTo(10_500_000L);
  }

  @Test
  void rejectsWhatIsNotALiveMp4Stream() {
    byte[] stream = concat(new byte[0], stream(1, true));
    assertMalformed("HTTP/1.0 404 Not Found\r\n\r\n", new byte[0], "status is not 200");
    assertMalformed(
        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n", stream, "no Content-Type: video/mp4");
    assertMalformed(
        "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n",
        stream,
        "Transfer-Encoding: chunked");
    List<byte[]> parts = stream(1, true);
    assertMalformed(HEAD, parts.get(1), "starts with 'prft', not 'ftyp'");
    assertMalformed(HEAD, box(4, "free"), "of 4 bytes");
    assertMalformed(HEAD, box(0, "ftyp"), "runs to the end of the stream");
    assertMalformed(HEAD, box(8, "ft\0p"), "not four characters");
    assertMalformed(concat(HEAD, List.of(parts.get(0))), box(8, "mdat"), "mdat without a moof");
  }

  private static byte[] box(int size, String type) {
    return ByteBuffer.allocate(8)
        .putInt(size)
        .put(type.getBytes(StandardCharsets.ISO_8859_1))
        .array();
  }

  private static void assertMalformed(String head, byte[] body, String message) {
    assertMalformed(head.getBytes(StandardCharsets.ISO_8859_1), body, message);
  }

  private static void assertMalformed(byte[] head, byte[] body, String message) {
    assertThatThrownBy(() -> scanWhole(concat(head, List.of(body))))
        .isInstanceOf(MalformedStreamException.class)
        .hasMessageContaining(message);
  }
}
