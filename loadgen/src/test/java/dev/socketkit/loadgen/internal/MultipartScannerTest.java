package dev.socketkit.loadgen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartScannerTest {
  private static final String HEAD =
      String.join(
          "\r\n",
          "HTTP/1.0 200 OK",
          "Server: test",
          "Content-Type: multipart/x-mixed-replace; boundary=FRAME",
          "",
          "");

  private static byte[] jpeg(int length) {
    byte[] body = new byte[length];
    for (int i = 0; i < length; i++) {
      body[i] = (byte) (i * 7);
    }
    body[0] = (byte) 0xFF;
    body[1] = (byte) 0xD8;
    body[length - 2] = (byte) 0xFF;
    body[length - 1] = (byte) 0xD9;
    return body;
  }

  private static byte[] stream(String head, String partHeaders, boolean withLength, int... sizes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    for (int size : sizes) {
      String headers =
          "--FRAME\r\nContent-Type: image/jpeg\r\n"
              + (withLength ? "Content-Length: " + size + "\r\n" : "")
              + partHeaders
              + "\r\n";
      out.writeBytes(headers.getBytes(StandardCharsets.ISO_8859_1));
      out.writeBytes(jpeg(size));
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    return out.toByteArray();
  }

  /** Feeds the bytes in chunks of {@code chunk} and returns the parts seen as "length@ts". */
  private static List<String> parts(byte[] bytes, int chunk) throws MalformedStreamException {
    List<String> parts = new ArrayList<>();
    MultipartScanner scanner = new MultipartScanner((length, ts) -> parts.add(length + "@" + ts));
    for (int i = 0; i < bytes.length; i += chunk) {
      scanner.feed(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    return parts;
  }

  @Test
  void reportsEachPartWhateverTheReadsSplitTheStreamInto() throws Exception {
    byte[] bytes = stream(HEAD, "", true, 100, 2000, 4);
    for (int chunk : new int[] {1, 2, 3, 7, 64, 1000, bytes.length}) {
      assertThat(parts(bytes, chunk))
          .as("chunk " + chunk)
          .containsExactly(
              "100@" + Long.MIN_VALUE, "2000@" + Long.MIN_VALUE, "4@" + Long.MIN_VALUE);
    }
  }

  @Test
  void findsTheEndOfPartsThatHaveNoContentLengthByTheBoundary() throws Exception {
    // Without a length a part ends only when the next delimiter arrives, so one more follows.
    byte[] parts = stream(HEAD, "X-Timestamp: 12.5\r\n", false, 100, 50);
    byte[] next = "--FRAME\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = Arrays.copyOf(parts, parts.length + next.length);
    System.arraycopy(next, 0, bytes, parts.length, next.length);
    for (int chunk : new int[] {1, 5, bytes.length}) {
      assertThat(parts(bytes, chunk)).containsExactly("100@12500000", "50@12500000");
    }
  }

  @Test
  void readsXTimestampAsSecondsWithAFractionOrByTheSizeOfAnInteger() throws Exception {
    assertThat(parts(stream(HEAD, "X-Timestamp: 1764280000.123456\r\n", true, 10), 9))
        .containsExactly("10@1764280000123456");
    assertThat(parts(stream(HEAD, "x-timestamp:1764280000.1\r\n", true, 10), 9))
        .containsExactly("10@1764280000100000");
    assertThat(parts(stream(HEAD, "X-Timestamp: 1764280000123\r\n", true, 10), 9))
        .containsExactly("10@1764280000123000");
    assertThat(parts(stream(HEAD, "X-Timestamp: 1764280000123456\r\n", true, 10), 9))
        .containsExactly("10@1764280000123456");
  }

  @Test
  void acceptsAQuotedBoundaryAndHeadersInAnyCase() throws Exception {
    String head =
        "HTTP/1.1 200 OK\r\ncontent-type: multipart/x-mixed-replace;boundary=\"FRAME\"\r\n\r\n";
    assertThat(parts(stream(head, "", true, 10), 4)).hasSize(1);
  }

  @Test
  void rejectsAStatusOtherThan200() {
    byte[] bytes = "HTTP/1.0 404 Not Found\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> parts(bytes, 100))
        .isInstanceOf(MalformedStreamException.class)
        .hasMessageContaining("404");
  }

  @Test
  void rejectsAResponseThatIsNotMultipart() {
    byte[] bytes =
        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> parts(bytes, 100)).hasMessageContaining("not a multipart stream");
  }

  @Test
  void rejectsAPartWhoseContentLengthIsWrong() {
    byte[] good = stream(HEAD, "", true, 100);
    String text = new String(good, StandardCharsets.ISO_8859_1);
    byte[] bad =
        text.replace("Content-Length: 100", "Content-Length: 99")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> parts(bad, 100)).hasMessageContaining("FF D9");
  }

  @Test
  void rejectsACorruptedBoundary() {
    byte[] bytes = stream(HEAD, "", true, 100, 100);
    int second = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf("--FRAME");
    bytes[second + 3] = 'X';
    assertThatThrownBy(() -> parts(bytes, 100)).hasMessageContaining("expected --FRAME");
  }

  @Test
  void rejectsAPartThatIsNotAJpeg() {
    byte[] bytes = stream(HEAD, "", true, 100);
    int body =
        new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n", HEAD.length()) + 4;
    bytes[body + 1] = 0;
    assertThatThrownBy(() -> parts(bytes, 100)).hasMessageContaining("FF D8");
  }

  @Test
  void reportsTheEndOfTheMultipartStreamAsAnError() {
    byte[] bytes = (HEAD + "--FRAME--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> parts(bytes, 100)).hasMessageContaining("ended");
  }
}
