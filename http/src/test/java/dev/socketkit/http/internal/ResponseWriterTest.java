package dev.socketkit.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.http.internal.ResponseWriter.Framing;
import dev.socketkit.http.internal.ResponseWriter.State;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The response head's state and framing rules, without a socket: bytes in, writes out. */
class ResponseWriterTest {
  /** Records each write the connection would make. */
  private static final class Writes extends OutputStream {
    final List<String> writes = new ArrayList<>();

    @Override
    public void write(int b) {
      writes.add(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
    }
  }

  private final Writes socket = new Writes();
  private final ResponseOutput output = new ResponseOutput(socket);
  private final ResponseWriter writer = new ResponseWriter(output);

  @Test
  void anUnframedBodyClosesTheConnectionAndSaysSo() throws IOException {
    writer.status(200, "HTTP/1.1 200 OK", false);
    assertThat(writer.framing()).isEqualTo(Framing.UNTIL_CLOSE);
    assertThat(writer.endHead(false, true)).as("close").isTrue();
    writer.sendHead(true, output);
    assertThat(socket.writes).containsExactly("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  }

  @Test
  void aFixedLengthBodyKeepsTheConnectionWithoutAConnectionHeader() throws IOException {
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("Content-Length", "5", true);
    assertThat(writer.framing()).isEqualTo(Framing.FIXED_LENGTH);
    assertThat(writer.endHead(false, true)).isFalse();
    writer.sendHead(true, output);
    assertThat(socket.writes).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  }

  @Test
  void aChunkedBodyIsFramed() {
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("transfer-encoding", "chunked", true);
    assertThat(writer.framing()).isEqualTo(Framing.CHUNKED);
    assertThat(writer.endHead(false, true)).isFalse();
  }

  @Test
  void responsesWithoutABodyNeedNoFramingAndDropWhatIsWritten() throws IOException {
    for (int code : new int[] {204, 304}) {
      writer.reset();
      writer.status(code, null, false);
      assertThat(writer.framing()).as("%d", code).isEqualTo(Framing.NONE);
      assertThat(writer.endHead(false, true)).isFalse();
    }
    writer.reset();
    writer.status(200, "HTTP/1.1 200 OK", true); // an answer to HEAD
    assertThat(writer.framing()).isEqualTo(Framing.NONE);
    assertThat(writer.endHead(false, true)).isFalse();
    writer.sendHead(false, output);
    output.write("body".getBytes(StandardCharsets.US_ASCII));
    writer.complete();
    assertThat(socket.writes).containsExactly("HTTP/1.1 200 OK\r\n\r\n");
    assertThat(output.dropped()).isEqualTo(4);
  }

  @Test
  void anHttp10ClientIsToldTheConnectionStaysOpen() throws IOException {
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("Content-Length", "0", true);
    assertThat(writer.endHead(false, false)).isFalse();
    writer.sendHead(true, output);
    assertThat(socket.writes)
        .containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  }

  @Test
  void aConnectionHeaderFromTheCallerIsNotRepeated() throws IOException {
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("Connection", "close", true);
    assertThat(writer.endHead(true, true)).isTrue();
    writer.sendHead(true, output);
    assertThat(socket.writes).containsExactly("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  }

  @Test
  void walksFromIdleThroughHeadAndBodyToDone() throws IOException {
    writer.status(100, "HTTP/1.1 100 Continue", false);
    writer.endHead(false, true);
    writer.sendHead(true, output);
    assertThat(writer.state()).as("after 100 Continue").isEqualTo(State.IDLE);
    assertThat(writer.started()).isFalse();
    writer.status(200, "HTTP/1.1 200 OK", false);
    assertThat(writer.state()).isEqualTo(State.HEAD);
    writer.header("Content-Length", "2", true);
    writer.endHead(false, true);
    writer.sendHead(false, output);
    assertThat(writer.state()).isEqualTo(State.BODY);
    output.write("hi".getBytes(StandardCharsets.US_ASCII));
    writer.complete();
    assertThat(writer.state()).isEqualTo(State.DONE);
    writer.reset();
    assertThat(writer.state()).isEqualTo(State.IDLE);
  }

  @Test
  void aHeldHeadLeavesInTheSameWriteAsASmallBody() throws IOException {
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("Content-Length", "2", true);
    writer.endHead(false, true);
    writer.sendHead(false, output);
    assertThat(socket.writes).as("held back").isEmpty();
    output.write("hi".getBytes(StandardCharsets.US_ASCII));
    assertThat(socket.writes).containsExactly("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
  }

  @Test
  void aHeldHeadGoesAloneBeforeALargeBody() throws IOException {
    byte[] large = new byte[ResponseOutput.MAX_JOINED_WRITE];
    writer.status(200, "HTTP/1.1 200 OK", false);
    writer.header("Content-Length", String.valueOf(large.length), true);
    writer.endHead(false, true);
    writer.sendHead(false, output);
    output.write(large);
    assertThat(socket.writes).hasSize(2);
    assertThat(socket.writes.get(0)).endsWith("\r\n\r\n");
    assertThat(socket.writes.get(1)).hasSize(large.length);
  }

  @Test
  void refusesHeaderInjection() {
    assertThatThrownBy(() -> writer.header("X-A", "b\r\nX-Evil: 1", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header value");
    assertThatThrownBy(() -> writer.status(200, "HTTP/1.1 200 O\nK", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message");
  }
}
