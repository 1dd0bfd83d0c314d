package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RawHttpClientTest {
  private static String requestHead(InputStream in) throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      seen.write(b);
    }
    return seen.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsAHeadAndAContentLengthBodyAndLeavesTheRest() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  String request = requestHead(socket.getInputStream());
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing:  a b \r\n\r\nhelloNEXT"
                              .getBytes(StandardCharsets.ISO_8859_1));
                  return request;
                });
        RawHttpClient client = new RawHttpClient(server.port())) {
      RawHttpClient.Response response = client.get("/path");
      assertThat(server.result()).isEqualTo("GET /path HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("x-thing")).isEqualTo("a b");
      assertThat(response.header("Absent")).isNull();
      assertThat(response.text()).isEqualTo("hello");
      assertThat(client.readAll()).asString().isEqualTo("NEXT");
    }
  }

  @Test
  void readsABodyWithoutLengthUntilTheServerCloses() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.0 200 OK\r\n\r\nuntil close"
                              .getBytes(StandardCharsets.ISO_8859_1));
                  return null;
                });
        RawHttpClient client = new RawHttpClient(server.port())) {
      RawHttpClient.Response response = client.send("GET / HTTP/1.0\r\n\r\n").read();
      assertThat(response.text()).isEqualTo("until close");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void aResponseToHeadHasNoBody() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                              .getBytes(StandardCharsets.ISO_8859_1));
                  return requestHead(socket.getInputStream());
                });
        RawHttpClient client = new RawHttpClient(server.port())) {
      RawHttpClient.Response response = client.send("HEAD / HTTP/1.1\r\n\r\n").read(true);
      assertThat(response.header("Content-Length")).isEqualTo("5");
      assertThat(response.body()).isEmpty();
    }
  }
}
