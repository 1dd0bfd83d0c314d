package dev.socketkit.gui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineFramerTest {
  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsAHalfLineUntilItsNewlineArrives() {
    LineFramer framer = new LineFramer();
    assertThat(framer.feed(bytes("O"))).isEmpty();
    assertThat(framer.feed(bytes("N\nOF"))).containsExactly("ON");
    assertThat(framer.feed(bytes("F\n"))).containsExactly("OFF");
  }

  @Test
  void returnsEveryLineOfOneChunkInOrder() {
    assertThat(new LineFramer().feed(bytes("ON\nOFF\n\nON\n")))
        .containsExactly("ON", "OFF", "", "ON");
  }

  @Test
  void dropsTheCarriageReturnOfACrLf() {
    assertThat(new LineFramer().feed(bytes("ON\r\nOFF\r\n"))).containsExactly("ON", "OFF");
  }

  @Test
  void decodesUtf8SplitAcrossChunksAndReplacesMalformedBytes() {
    LineFramer framer = new LineFramer();
    byte[] hangul = "켜짐\n".getBytes(StandardCharsets.UTF_8);
    assertThat(framer.feed(ByteBuffer.wrap(hangul, 0, 2))).isEmpty();
    assertThat(framer.feed(ByteBuffer.wrap(hangul, 2, hangul.length - 2))).containsExactly("켜짐");
    assertThat(framer.feed(ByteBuffer.wrap(new byte[] {'a', (byte) 0xff, 'b', '\n'})))
        .containsExactly("a\uFFFDb");
  }

  @Test
  void handsOutAnOverlongRunAsLinesOfAtMostTheLimitWithoutLosingBytes() {
    LineFramer framer = new LineFramer();
    String run = "x".repeat(LineFramer.MAX_LINE * 2 + 10);
    assertThat(framer.feed(bytes(run + "\n")))
        .containsExactly(
            "x".repeat(LineFramer.MAX_LINE), "x".repeat(LineFramer.MAX_LINE), "x".repeat(10));
  }

  @Test
  void forgetsAnUnfinishedLineWhenCleared() {
    LineFramer framer = new LineFramer();
    framer.feed(bytes("stale"));
    framer.clear();
    assertThat(framer.feed(bytes("ON\n"))).containsExactly("ON");
  }
}
