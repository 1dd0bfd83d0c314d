package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class LineInputStreamTest {
  private static LineInputStream of(String text) {
    return new LineInputStream(new ByteArrayInputStream(text.getBytes(US_ASCII)));
  }

  private static String s(byte[] bytes) {
    return new String(bytes, US_ASCII);
  }

  @Test
  void readLineKeepsTheNewlineAndReturnsEmptyAtTheEnd() throws IOException {
    LineInputStream in = of("one\ntwo\nlast");
    assertThat(s(in.readLine())).isEqualTo("one\n");
    assertThat(s(in.readLine())).isEqualTo("two\n");
    assertThat(s(in.readLine())).isEqualTo("last");
    assertThat(in.readLine()).isEmpty();
  }

  @Test
  void readLineWithALimitStopsAfterLimitBytesAsPythonsReadline() throws IOException {
    LineInputStream in = of("abcdef\ngh\n");
    assertThat(s(in.readLine(4))).isEqualTo("abcd");
    assertThat(s(in.readLine(10))).isEqualTo("ef\n");
    assertThat(s(in.readLine(3))).isEqualTo("gh\n");
    assertThat(in.readLine(0)).isEmpty();
    assertThat(in.readLine(5)).isEmpty();
  }

  @Test
  void aLineLongerThanTheBufferComesBackWhole() throws IOException {
    String longLine = "x".repeat(20_000) + "\n";
    LineInputStream in = of(longLine + "next\n");
    assertThat(s(in.readLine())).isEqualTo(longLine);
    assertThat(s(in.readLine())).isEqualTo("next\n");
  }

  @Test
  void readsLinesThatArriveInPieces() throws IOException {
    // A stream that hands out one byte per read, as a slow network does.
    InputStream trickle =
        new InputStream() {
          private final byte[] data = "ab\ncd\n".getBytes(US_ASCII);
          private int next;

          @Override
          public int read() {
            return next < data.length ? data[next++] : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            int c = read();
            if (c < 0) {
              return -1;
            }
            b[off] = (byte) c;
            return 1;
          }
        };
    LineInputStream in = new LineInputStream(trickle);
    assertThat(s(in.readLine())).isEqualTo("ab\n");
    assertThat(s(in.readLine())).isEqualTo("cd\n");
    assertThat(in.readLine()).isEmpty();
  }

  @Test
  void plainReadsMixWithReadLine() throws IOException {
    LineInputStream in = of("head\nbody");
    assertThat(s(in.readLine())).isEqualTo("head\n");
    assertThat(in.read()).isEqualTo('b');
    byte[] rest = new byte[10];
    assertThat(in.read(rest, 0, 10)).isEqualTo(3);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void aNegativeLimitIsRefused() {
    assertThatThrownBy(() -> of("x").readLine(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
