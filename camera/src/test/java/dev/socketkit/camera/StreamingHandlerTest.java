package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    return SurveillanceServerTest.request(port, method, path);
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
