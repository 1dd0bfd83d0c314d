package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class MjpegClientTest {
  private static OneConnectionServer serving(String response) throws IOException {
    return new OneConnectionServer(
        socket -> {
          socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
          socket.shutdownOutput();
          return socket.getInputStream().read(); // hold the socket until the client closes
        });
  }

  @Test
  void readsPartsWithTheBoundaryTheHeadNames() throws Exception {
    try (OneConnectionServer server =
            serving(
                String.join(
                    "\r\n",
                    "HTTP/1.1 200 OK",
                    "Content-Type: multipart/x-mixed-replace; boundary=\"edge\"",
                    "",
                    "--edge",
                    "Content-Type: image/jpeg",
                    "Content-Length: 3",
                    "",
                    "abc",
                    "--edge",
                    "Content-Length: 2",
                    "",
                    "de",
                    ""));
        MjpegClient client = MjpegClient.open("127.0.0.1", server.port(), "/s.mjpg")) {
      assertThat(client.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(client.headers()).containsKey("content-type");
      MjpegClient.Part first = client.next();
      assertThat(first.headers()).containsEntry("Content-Type", "image/jpeg");
      assertThat(first.jpeg()).asString().isEqualTo("abc");
      assertThat(client.next().jpeg()).asString().isEqualTo("de");
      assertThatThrownBy(client::next).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void assumesTheCamerasBoundaryWhenTheHeadNamesNone() throws Exception {
    try (OneConnectionServer server =
            serving("HTTP/1.0 200 OK\r\n\r\n--FRAME\r\nContent-Length: 1\r\n\r\nx\r\n--other\r\n");
        MjpegClient client = MjpegClient.open("127.0.0.1", server.port(), "/")) {
      assertThat(client.next().jpeg()).asString().isEqualTo("x");
      assertThatThrownBy(client::next).hasMessageContaining("expected the boundary line --FRAME");
    }
  }

  @Test
  void aPartMustEndWithCrlf() throws Exception {
    try (OneConnectionServer server =
            serving("HTTP/1.0 200 OK\r\n\r\n--FRAME\r\nContent-Length: 1\r\n\r\nxy\r\n");
        MjpegClient client = MjpegClient.open("127.0.0.1", server.port(), "/")) {
      assertThatThrownBy(client::next).hasMessage("a part must end with CRLF");
    }
  }
}
