package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The camera's route table as a client sees it: 404, 405 with Allow, credentials first. */
@Timeout(60)
class StreamingHandlerTest {
  @TempDir Path dir;

  private static CameraServerTest.Response request(int port, String method, String path)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              (method
                      + " "
                      + path
                      + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      MjpegReader reader = new MjpegReader(socket);
      reader.readHead();
      return new CameraServerTest.Response(
          reader.statusLine, reader.headers, reader.in.readAllBytes());
    }
  }

  @Test
  void anotherMethodOnAKnownPathIsA405NamingTheMethodsItAllows() throws Exception {
    try (Camera camera = CameraServerTest.camera().start()) {
      int port = CameraServerTest.port(camera);
      for (String[] request :
          new String[][] {{"POST", "/state"}, {"DELETE", "/"}, {"POST", "/stream.mjpg"}}) {
        CameraServerTest.Response response = request(port, request[0], request[1]);
        assertThat(response.code()).as(String.join(" ", request)).isEqualTo(405);
        assertThat(response.headers()).containsEntry("allow", "GET, HEAD");
      }
      assertThat(request(port, "POST", "/nothing").code()).isEqualTo(404);
      assertThat(request(port, "DELETE", "/recordings/x.avi").code())
          .as("a route of the table, but the camera serves no recordings")
          .isEqualTo(404);
      assertThat(request(port, "GET", "/recordings").code()).isEqualTo(404);
    }
  }

  @Test
  void credentialsAreCheckedBeforeTheRouteIsLookedUp() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    try (Camera camera = CameraServerTest.camera().auth(AuthFile.load(users)).start()) {
      int port = CameraServerTest.port(camera);
      for (String[] request :
          new String[][] {{"POST", "/state"}, {"GET", "/nothing"}, {"DELETE", "/recordings/x"}}) {
        CameraServerTest.Response response = request(port, request[0], request[1]);
        assertThat(response.code()).as(String.join(" ", request)).isEqualTo(401);
        assertThat(response.headers().get("www-authenticate")).startsWith("Basic realm=");
      }
    }
  }
}
