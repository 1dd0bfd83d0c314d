package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera's pages under a proxy's prefix ({@code /camera/}): every link, script target, JSON
 * link and the redirect after a delete, followed from {@code /camera/} and {@code
 * /camera/recordings}, stays under the prefix and is answered. Once through Debian's nginx with the
 * recipe in {@code packaging/nginx-camera.conf}, once resolving each link against a prefixed
 * address and asking the camera directly (no nginx needed).
 */
@Timeout(120)
class CameraBehindProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTHORIZATION =
      "Basic "
          + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
  private static final Pattern ATTRIBUTE = Pattern.compile("\\s(href|src|action)=\"([^\"]*)\"");

  /** Targets the live page's script builds from relative strings, not from attributes. */
  private static final List<String> SCRIPT_TARGETS =
      List.of("stream.mjpg", "events?limit=8", "recordings.json", "recordings", "state");

  @TempDir Path dir;

  private record Response(int code, String contentType, String location, String body) {}

  @Test
  void everyLinkResolvesUnderAPrefix() throws Exception {
    try (Surveilled camera = surveilled()) {
      int port = CameraServerTest.port(camera.camera);
      // The browser's view: http://proxy/camera/...; the camera's view: the same without /camera.
      URI base = URI.create("http://proxy.invalid/camera/");
      crawl(
          base,
          camera,
          uri -> {
            assertThat(uri.getRawPath()).as("a link under the prefix").startsWith("/camera/");
            return URI.create(
                "http://127.0.0.1:"
                    + port
                    + uri.getRawPath().substring("/camera".length())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
          });
    }
  }

  @Test
  void everyLinkWorksBehindTheReadmesNginxRecipe() throws Exception {
    String nginx = nginx();
    if (nginx == null) {
      assertThat(System.getenv("CI"))
          .as("nginx is not installed; CI installs it (.ci/run), so there it must be found")
          .isNotEqualTo("true");
      assumeTrue(false, "nginx is not installed (apt-get install nginx-light); skipped");
    }
    try (Surveilled camera = surveilled()) {
      int nginxPort = freePort();
      Path conf = nginxConf(CameraServerTest.port(camera.camera), nginxPort);
      Process process =
          new ProcessBuilder(nginx, "-p", dir.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nginx.out").toFile())
              .start();
      try {
        Await.until(
            Duration.ofSeconds(45),
            () -> {
              assertThat(process.isAlive())
                  .as("nginx runs: " + read(dir.resolve("nginx.out")))
                  .isTrue();
              try {
                new Socket(InetAddress.getLoopbackAddress(), nginxPort).close();
                return true;
              } catch (IOException notYet) {
                return false;
              }
            },
            () -> "nginx listens on " + nginxPort);
        URI base = URI.create("http://127.0.0.1:" + nginxPort + "/camera/");
        crawl(base, camera, uri -> uri);
      } finally {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * Follows every link from {@code base} and {@code base/recordings} (and one event's JSON), then
   * submits a delete form and follows its redirect. {@code upstream} maps an address the browser
   * would use to the one to ask.
   */
  private void crawl(URI base, Surveilled camera, UnaryOperator<URI> upstream) throws Exception {
    MotionEvent event = camera.surveillance.events().page(1, null).get(0);
    Deque<URI> queue = new ArrayDeque<>();
    queue.add(base);
    queue.add(base.resolve("recordings"));
    queue.add(base.resolve("events/" + event.id()));
    Set<URI> seen = new LinkedHashSet<>();
    List<URI> forms = new ArrayList<>();
    while (!queue.isEmpty()) {
      URI uri = queue.removeFirst();
      if (!seen.add(uri)) {
        continue;
      }
      assertThat(uri.getRawPath()).as("a link under the prefix").startsWith(base.getRawPath());
      boolean stream = uri.getRawPath().endsWith(".mjpg");
      Response response = request(upstream.apply(uri), "GET", stream);
      assertThat(response.code()).as("GET " + uri).isEqualTo(200);
      String type = response.contentType();
      String text = response.body();
      if (stream) {
        assertThat(type).as(uri.toString()).startsWith("multipart/x-mixed-replace");
      } else if (type.startsWith("text/html")) {
        Matcher matcher = ATTRIBUTE.matcher(text);
        while (matcher.find()) {
          URI link = uri.resolve(matcher.group(2).replace("&amp;", "&"));
          (matcher.group(1).equals("action") ? forms : queue).add(link);
        }
        if (uri.equals(base)) {
          for (String target : SCRIPT_TARGETS) {
            assertThat(text).contains("\"" + target);
            queue.add(uri.resolve(target));
          }
        }
      } else if (type.startsWith("application/json")) {
        collectLinks(JSON.readTree(text), uri, queue);
      }
    }
    assertThat(seen)
        .as("the pages link to each other, the events, a player, a download and a stream")
        .contains(base.resolve("recordings"), base.resolve("state"), base.resolve("snapshot.jpg"))
        .anyMatch(u -> u.getRawPath().endsWith("/play.mjpg"))
        .anyMatch(u -> u.getRawPath().endsWith(".avi"))
        .anyMatch(
            u -> u.getRawPath().endsWith("/snapshot.jpg") && u.getRawPath().contains("events"))
        .anyMatch(u -> u.getRawPath().endsWith("/play"));
    assertThat(forms).as("a delete form on the recordings page").isNotEmpty();

    URI form = forms.get(0);
    assertThat(form.getRawPath()).startsWith(base.getRawPath()).endsWith("/delete");
    Response deleted = request(upstream.apply(form), "POST", false);
    assertThat(deleted.code()).as("POST " + form).isEqualTo(303);
    URI back = form.resolve(deleted.location());
    assertThat(back).isEqualTo(base.resolve("recordings"));
    assertThat(request(upstream.apply(back), "GET", false).code()).isEqualTo(200);
  }

  /** The fields of the camera's JSON that hold links. */
  private static final Set<String> LINK_FIELDS =
      Set.of("next", "snapshot", "recording", "download", "play");

  /** Every link in a JSON answer, each relative to the answer's address, resolved. */
  private static void collectLinks(JsonNode node, URI from, Deque<URI> queue) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      JsonNode value = field.getValue();
      if (LINK_FIELDS.contains(field.getKey()) && value.isTextual()) {
        assertThat(value.asText()).as(field.getKey() + " is relative").doesNotStartWith("/");
        queue.add(from.resolve(value.asText()));
      }
    }
    for (JsonNode child : node) {
      collectLinks(child, from, queue);
    }
  }

  /** One request with Basic credentials; for a stream, the head alone. */
  private static Response request(URI uri, String method, boolean stream) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
      socket.setSoTimeout(15_000);
      String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      socket
          .getOutputStream()
          .write(
              (method
                      + " "
                      + target
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + uri.getPort()
                      + "\r\nAuthorization: "
                      + AUTHORIZATION
                      + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      MjpegClient reader = new MjpegClient(socket);
      reader.readHead();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (!stream) {
        reader.input().transferTo(body);
      }
      int code = Integer.parseInt(reader.statusLine().split(" ", 3)[1]);
      return new Response(
          code,
          reader.headers().getOrDefault("content-type", ""),
          reader.headers().get("location"),
          body.toString(StandardCharsets.UTF_8));
    }
  }

  /** A camera with motion events and a finished recording. */
  private Surveilled surveilled() throws Exception {
    Recorder recorder =
        new Recorder(
            RecordingSettings.builder(RecordMode.CONTINUOUS, dir.resolve("recordings"))
                .segment(Duration.ofSeconds(2))
                .preCapture(Duration.ZERO)
                .postCapture(Duration.ZERO)
                .preCaptureBytes(1 << 20)
                .build(),
            "test",
            20);
    Camera camera = CameraServerTest.camera().start();
    Surveillance surveillance =
        new Surveillance(
            camera.hub(),
            "test",
            MotionSettings.defaults(),
            null,
            null,
            recorder,
            dir.resolve("events"));
    Surveilled surveilled = new Surveilled(camera, surveillance);
    try {
      surveillance.start();
      camera.serveSurveillance(
          surveillance,
          new SurveillanceRoutes(surveillance.events(), recorder.segments(), recorder));
      // The test pattern moves all the time: motion starts at once; a segment ends every 2 s.
      Await.until(
          Duration.ofSeconds(45), () -> surveillance.events().total() > 0, () -> "a motion event");
      Await.until(
          Duration.ofSeconds(45),
          () -> recorder.segmentsFinished() >= 1,
          () -> "a finished recording");
      return surveilled;
    } catch (Exception | AssertionError e) {
      surveilled.close();
      throw e;
    }
  }

  private record Surveilled(Camera camera, Surveillance surveillance) implements AutoCloseable {
    @Override
    public void close() {
      try (camera) {
        surveillance.close();
      }
    }
  }

  /** An nginx.conf that serves packaging/nginx-camera.conf's location, as the README says. */
  private Path nginxConf(int cameraPort, int nginxPort) throws IOException {
    Path recipe = Path.of("..", "packaging", "nginx-camera.conf");
    assertThat(recipe).exists();
    Files.writeString(dir.resolve("camera.htpasswd"), "alice:{PLAIN}secret\n");
    String location =
        Files.readString(recipe)
            .replace("127.0.0.1:8000", "127.0.0.1:" + cameraPort)
            .replace("/etc/nginx/camera.htpasswd", dir.resolve("camera.htpasswd").toString());
    Files.writeString(dir.resolve("camera.conf"), location);
    String d = dir.toString();
    String conf =
        "daemon off;\n"
            + "master_process off;\n" // one process as this user: no switch to another user
            + "error_log "
            + d
            + "/error.log;\n"
            + "pid "
            + d
            + "/nginx.pid;\n"
            + "events { worker_connections 64; }\n"
            + "http {\n"
            + "  access_log off;\n"
            + "  client_body_temp_path "
            + d
            + "/body; proxy_temp_path "
            + d
            + "/proxy;\n"
            + "  fastcgi_temp_path "
            + d
            + "/fastcgi; uwsgi_temp_path "
            + d
            + "/uwsgi; scgi_temp_path "
            + d
            + "/scgi;\n"
            + "  server {\n"
            + "    listen 127.0.0.1:"
            + nginxPort
            + ";\n"
            + "    include "
            + d
            + "/camera.conf;\n"
            + "  }\n"
            + "}\n";
    return Files.writeString(dir.resolve("nginx.conf"), conf);
  }

  /** The nginx program, or null when it is not installed. */
  private static String nginx() {
    List<String> folders =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)));
    folders.add("/usr/sbin"); // where Debian puts it, often not on a user's PATH
    for (String folder : folders) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, "nginx"))) {
        return Path.of(folder, "nginx").toString();
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
