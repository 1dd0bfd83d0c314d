package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.recording.AviFile;
import dev.socketkit.camera.internal.recording.Ffprobe;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.camera.internal.recording.TestRecorders;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Motion detection and recording inside a running camera, over real sockets. */
@Timeout(90)
class SurveillanceServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Waits up to 45 s, the deadline every wait in this test has (recording is slow under load). */
  private static void await(String what, BooleanSupplier condition) throws Exception {
    Await.until(Duration.ofSeconds(45), condition::getAsBoolean, () -> what);
  }

  static CameraServerTest.Response request(int port, String method, String path, String... headers)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              (method
                      + " "
                      + path
                      + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n"
                      + String.join("", headers)
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      MjpegClient reader = new MjpegClient(socket);
      reader.readHead();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      reader.input().transferTo(body);
      return new CameraServerTest.Response(
          reader.statusLine(), reader.headers(), body.toByteArray());
    }
  }

  private RecordingSettings continuous(Path directory) {
    return RecordingSettings.builder(RecordMode.CONTINUOUS, directory)
        .segment(Duration.ofSeconds(2))
        .preCapture(Duration.ZERO)
        .postCapture(Duration.ZERO)
        .preCaptureBytes(1 << 20)
        .build();
  }

  @Test
  void aFullDiskStopsRecordingButTheViewersGoOnWatching() throws Exception {
    Recorder recorder = TestRecorders.withDiskFullAfter(continuous(dir), 30_000);
    try (Camera camera = CameraServerTest.camera().start();
        Surveillance surveillance =
            new Surveillance(
                camera.hub(), "test", null, null, null, recorder, dir.resolve("events"))) {
      surveillance.start();
      camera.serveSurveillance(
          surveillance, new SurveillanceRoutes(null, recorder.segments(), recorder));
      int port = CameraServerTest.port(camera);
      try (MjpegClient viewer = MjpegClient.open("127.0.0.1", port, "/stream.mjpg")) {
        viewer.next();
        await("the disk fills up", () -> recorder.failure() != null);
        for (int i = 0; i < 40; i++) { // 2 s of frames at 20 fps after the failure
          assertThat(viewer.next().jpeg()).isNotEmpty();
        }
      }
      JsonNode list = JSON.readTree(request(port, "GET", "/recordings.json").body());
      assertThat(list.get("recorder").get("failure").asText()).contains("No space left on device");
      JsonNode state = JSON.readTree(request(port, "GET", "/state").body());
      assertThat(state.get("surveillance").get("recording").get("failure").asText())
          .contains("recording stopped");
    }
  }

  @Test
  void recordsSegmentsThatCanBeListedPlayedDownloadedAndDeletedOverHttp() throws Exception {
    Recorder recorder = new Recorder(continuous(dir), "test", 20);
    try (Camera camera = CameraServerTest.camera().start();
        Surveillance surveillance =
            new Surveillance(
                camera.hub(),
                "test",
                MotionSettings.defaults(),
                null,
                null,
                recorder,
                dir.resolve("events"))) {
      surveillance.start();
      camera.serveSurveillance(
          surveillance,
          new SurveillanceRoutes(surveillance.events(), recorder.segments(), recorder));
      int port = CameraServerTest.port(camera);
      await("a segment is finished", () -> recorder.segmentsFinished() >= 1);

      List<Segments.Segment> segments = recorder.segments().list();
      Segments.Segment first = segments.get(0);
      Ffprobe.Result probe = Ffprobe.probe(first.file());
      AviFile.Info info = AviFile.inspect(first.file());
      assertThat(probe.frames()).isEqualTo(info.frames()).isGreaterThan(5);
      assertThat(probe.durationSeconds()).isBetween(1.5, 2.5);

      CameraServerTest.Response html = request(port, "GET", "/recordings");
      assertThat(html.code()).isEqualTo(200);
      assertThat(html.text()).contains(first.name());

      CameraServerTest.Response download = request(port, "GET", "/recordings/" + first.name());
      assertThat(download.headers()).containsEntry("content-type", "video/x-msvideo");
      assertThat(download.body()).hasSize((int) first.bytes());

      CameraServerTest.Response head =
          request(port, "HEAD", "/recordings/" + first.name() + "/play.mjpg");
      assertThat(head.code()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(request(port, "HEAD", "/recordings/" + first.name()).headers())
          .containsEntry("content-length", Long.toString(first.bytes()));

      CameraServerTest.Response start =
          request(port, "GET", "/recordings/" + first.name(), "Range: bytes=0-11\r\n");
      assertThat(start.code()).isEqualTo(206);
      assertThat(new String(start.body(), StandardCharsets.US_ASCII))
          .startsWith("RIFF")
          .endsWith("AVI ");

      try (MjpegClient play =
          MjpegClient.open("127.0.0.1", port, "/recordings/" + first.name() + "/play.mjpg")) {
        assertThat(play.headers())
            .containsEntry("content-type", "multipart/x-mixed-replace; boundary=FRAME");
        for (int i = 0; i < 3; i++) {
          assertThat(play.next().jpeg()).isNotEmpty();
        }
      }

      // The test pattern moves from the start: the first event is in the first segment.
      await("a motion event", () -> surveillance.events().total() > 0);
      CameraServerTest.Response events = request(port, "GET", "/events?limit=5");
      assertThat(events.code()).isEqualTo(200);
      JsonNode event = JSON.readTree(events.body()).get("events").get(0); // the only one
      assertThat(event.get("recording").asText())
          .as("relative to /events")
          .isEqualTo("./recordings/" + first.name() + "/play");

      String current = recorder.currentSegment();
      if (current != null) {
        assertThat(request(port, "DELETE", "/recordings/" + current).code()).isEqualTo(409);
      }
      CameraServerTest.Response deleted = request(port, "DELETE", "/recordings/" + first.name());
      assertThat(deleted.code()).isEqualTo(204);
      assertThat(deleted.headers()).as("RFC 9110 8.6").doesNotContainKey("content-length");
      assertThat(first.file()).doesNotExist();
      assertThat(request(port, "POST", "/recordings/nope-20260101T000000Z.avi/delete").code())
          .isEqualTo(404);
    }
  }

  @Test
  void theSurveillancePagesNeedTheCamerasCredentials() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    Recorder recorder = new Recorder(continuous(dir.resolve("rec")), "test", 20);
    try (Camera camera = CameraServerTest.camera().auth(AuthFile.load(users)).start();
        Surveillance surveillance =
            new Surveillance(
                camera.hub(),
                "test",
                MotionSettings.defaults(),
                null,
                null,
                recorder,
                dir.resolve("events"))) {
      surveillance.start();
      camera.serveSurveillance(
          surveillance,
          new SurveillanceRoutes(surveillance.events(), recorder.segments(), recorder));
      int port = CameraServerTest.port(camera);
      await("a segment is finished", () -> recorder.segmentsFinished() >= 1);
      String name = recorder.segments().list().get(0).name();
      String basic =
          "Authorization: Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      for (String path :
          List.of("/events", "/recordings", "/recordings.json", "/recordings/" + name + "/play")) {
        assertThat(request(port, "GET", path).code()).as(path).isEqualTo(401);
        assertThat(request(port, "GET", path, basic).code()).as(path).isEqualTo(200);
      }
      assertThat(request(port, "DELETE", "/recordings/" + name).code()).isEqualTo(401);
      assertThat(request(port, "POST", "/recordings/" + name + "/delete").code()).isEqualTo(401);
      assertThat(recorder.segments().find(name)).isPresent();
      assertThat(request(port, "DELETE", "/recordings/" + name, basic).code()).isEqualTo(204);
      assertThat(recorder.segments().find(name)).isEmpty();
    }
  }

  @Test
  void aPageFromAnotherSiteCannotDeleteARecordingButTheRecordingsPageCan() throws Exception {
    Recorder recorder = new Recorder(continuous(dir.resolve("rec")), "test", 20);
    try (Camera camera = CameraServerTest.camera().start();
        Surveillance surveillance =
            new Surveillance(camera.hub(), "test", null, null, null, recorder, null)) {
      surveillance.start();
      camera.serveSurveillance(
          surveillance, new SurveillanceRoutes(null, recorder.segments(), recorder));
      int port = CameraServerTest.port(camera);
      await("two segments are finished", () -> recorder.segmentsFinished() >= 2);
      List<Segments.Segment> segments = recorder.segments().list();
      String first = segments.get(0).name();
      String second = segments.get(1).name();

      assertThat(
              request(
                      port,
                      "POST",
                      "/recordings/" + first + "/delete",
                      "Origin: http://evil.example\r\n")
                  .code())
          .isEqualTo(403);
      assertThat(
              request(
                      port,
                      "POST",
                      "/recordings/" + first + "/delete",
                      "Sec-Fetch-Site: cross-site\r\n")
                  .code())
          .isEqualTo(403);
      assertThat(request(port, "DELETE", "/recordings/" + first, "Origin: null\r\n").code())
          .isEqualTo(403);
      assertThat(segments.get(0).file()).exists();

      CameraServerTest.Response sameOrigin =
          request(
              port,
              "POST",
              "/recordings/" + first + "/delete",
              "Origin: http://localhost\r\nSec-Fetch-Site: same-origin\r\n");
      assertThat(sameOrigin.code()).isEqualTo(303);
      assertThat(segments.get(0).file()).doesNotExist();
      assertThat(request(port, "DELETE", "/recordings/" + second).code()).isEqualTo(204);
      assertThat(segments.get(1).file()).doesNotExist();
    }
  }
}
