package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.camera.internal.motion.MotionEvents;
import dev.socketkit.camera.internal.recording.AviWriter;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SurveillanceRoutesTest {
  private static final long T0 = 1_795_000_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static byte[] body(SurveillanceRoutes.Reply reply) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    reply.body().writeTo(out);
    return out.toByteArray();
  }

  private SurveillanceRoutes.Reply get(
      SurveillanceRoutes routes, String method, String path, String query) throws Exception {
    return routes.route(method, path, query).orElseThrow();
  }

  @Test
  void listsEventsNewestFirstInPagesWithSnapshots() throws Exception {
    try (MotionEvents events = new MotionEvents("cam", 50, dir, null, null, List.of())) {
      for (int i = 0; i < 5; i++) {
        long start = T0 + i * 10_000_000L;
        events.ended(new MotionEvent(start, start + 2_000_000, 0.05, start, new byte[] {(byte) i}));
      }
      SurveillanceRoutes routes = new SurveillanceRoutes(events, null, null);

      SurveillanceRoutes.Reply first = get(routes, "GET", "/events", "limit=2");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.contentType()).isEqualTo("application/json");
      JsonNode page = JSON.readTree(body(first));
      assertThat(page.get("events")).hasSize(2);
      assertThat(page.get("events").get(0).get("startMicros").asLong()).isEqualTo(T0 + 40_000_000L);
      assertThat(page.get("events").get(0).get("durationSeconds").asDouble()).isEqualTo(2.0);
      String next = page.get("next").asText();
      assertThat(next).as("relative to /events").startsWith("./events?limit=2&before=");

      JsonNode second =
          JSON.readTree(body(get(routes, "GET", "/events", next.substring(next.indexOf('?') + 1))));
      assertThat(second.get("events").get(0).get("startMicros").asLong())
          .isEqualTo(T0 + 20_000_000L);

      String snapshot = page.get("events").get(1).get("snapshot").asText();
      assertThat(snapshot).as("relative to /events").startsWith("./events/");
      SurveillanceRoutes.Reply jpeg =
          get(routes, "GET", URI.create("http://camera/events").resolve(snapshot).getPath(), null);
      assertThat(jpeg.contentType()).isEqualTo("image/jpeg");
      assertThat(body(jpeg)).containsExactly(3);

      assertThat(get(routes, "GET", "/events", "limit=0").status()).isEqualTo(400);
      assertThat(get(routes, "GET", "/events", "limit=x").status()).isEqualTo(400);
      assertThat(get(routes, "POST", "/events", null).status()).isEqualTo(405);
      assertThat(get(routes, "GET", "/events/nope/snapshot.jpg", null).status()).isEqualTo(404);
      assertThat(routes.route("GET", "/stream.mjpg", null)).isEmpty();
    }
  }

  @Test
  void listsDownloadsPlaysAndDeletesRecordings() throws Exception {
    Path file = dir.resolve("cam-20261115T104640Z.avi");
    SyntheticFrames frames = new SyntheticFrames(160, 120);
    try (AviWriter writer =
        new AviWriter(
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            160,
            120,
            50)) {
      for (int i = 0; i < 6; i++) {
        writer.writeFrame(frames.withSquare(i * 10, 10, 20, 0, i), T0 + i * 20_000L);
      }
    }
    SurveillanceRoutes routes = new SurveillanceRoutes(null, new Segments(dir), null);

    JsonNode list = JSON.readTree(body(get(routes, "GET", "/recordings.json", null)));
    JsonNode first = list.get("recordings").get(0);
    assertThat(first.get("name").asText()).isEqualTo("cam-20261115T104640Z.avi");
    assertThat(first.get("frames").asInt()).isEqualTo(6);
    assertThat(first.get("finished").asBoolean()).isTrue();

    String html = new String(body(get(routes, "GET", "/recordings", null)), StandardCharsets.UTF_8);
    assertThat(html).contains("/recordings/cam-20261115T104640Z.avi/play");
    String withToken =
        new String(
            body(get(routes, "GET", "/recordings", "token=12.ab%2Bc")), StandardCharsets.UTF_8);
    assertThat(withToken)
        .contains("/recordings/cam-20261115T104640Z.avi/play?token=12.ab%2Bc\"")
        .contains("/delete?token=12.ab%2Bc\"");
    String player =
        new String(
            body(get(routes, "GET", "/recordings/cam-20261115T104640Z.avi/play", "token=t")),
            StandardCharsets.UTF_8);
    assertThat(player).contains("/play.mjpg?token=t\"");

    SurveillanceRoutes.Reply download =
        get(routes, "GET", "/recordings/cam-20261115T104640Z.avi", null);
    assertThat(download.contentType()).isEqualTo("video/x-msvideo");
    assertThat(download.length()).isEqualTo(Files.size(file));
    assertThat(body(download)).isEqualTo(Files.readAllBytes(file));

    byte[] whole = Files.readAllBytes(file);
    SurveillanceRoutes.Reply part =
        routes
            .route(
                "GET",
                "/recordings/cam-20261115T104640Z.avi",
                null,
                h -> h.equals("Range") ? "bytes=4-11" : null)
            .orElseThrow();
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.headers()).containsEntry("Content-Range", "bytes 4-11/" + whole.length);
    assertThat(body(part)).isEqualTo(java.util.Arrays.copyOfRange(whole, 4, 12));
    SurveillanceRoutes.Reply tail =
        routes
            .route(
                "GET",
                "/recordings/cam-20261115T104640Z.avi",
                null,
                h -> h.equals("Range") ? "bytes=-16" : null)
            .orElseThrow();
    assertThat(body(tail))
        .isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 16, whole.length));
    assertThat(
            routes
                .route(
                    "GET",
                    "/recordings/cam-20261115T104640Z.avi",
                    null,
                    h -> h.equals("Range") ? "bytes=99999999-" : null)
                .orElseThrow()
                .status())
        .isEqualTo(416);
    assertThat(
            routes
                .route(
                    "GET",
                    "/recordings/cam-20261115T104640Z.avi",
                    null,
                    h -> h.equals("Range") ? "bytes=0-1,4-5" : null)
                .orElseThrow()
                .status())
        .as("several ranges: the whole file")
        .isEqualTo(200);

    SurveillanceRoutes.Reply play =
        get(routes, "GET", "/recordings/cam-20261115T104640Z.avi/play.mjpg", null);
    assertThat(play.contentType()).isEqualTo("multipart/x-mixed-replace; boundary=FRAME");
    String stream = new String(body(play), StandardCharsets.ISO_8859_1);
    assertThat(stream.split("--FRAME\r\n", -1)).hasSize(7);

    assertThat(get(routes, "GET", "/recordings/..%2Fetc/play", null).status()).isEqualTo(404);
    assertThat(get(routes, "GET", "/recordings/../pom.xml", null).status()).isEqualTo(404);
    assertThat(get(routes, "PUT", "/recordings/cam-20261115T104640Z.avi", null).status())
        .isEqualTo(405);

    SurveillanceRoutes.Reply deleted =
        get(routes, "POST", "/recordings/cam-20261115T104640Z.avi/delete", null);
    assertThat(deleted.status()).isEqualTo(303);
    assertThat(deleted.headers())
        .as("relative to /recordings/NAME/delete")
        .containsEntry("Location", "../../recordings");
    assertThat(file).doesNotExist();
    assertThat(get(routes, "DELETE", "/recordings/cam-20261115T104640Z.avi", null).status())
        .isEqualTo(404);
  }

  @Test
  void aDownloadOfAFileThatShrinksFailsInsteadOfSendingTooFewBytes() throws Exception {
    Path file = dir.resolve("cam-20261115T104640Z.avi");
    Files.write(file, new byte[200_000]);
    SurveillanceRoutes routes = new SurveillanceRoutes(null, new Segments(dir), null);
    SurveillanceRoutes.Reply download =
        get(routes, "GET", "/recordings/cam-20261115T104640Z.avi", null);
    assertThat(download.length()).isEqualTo(200_000);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(1000);
    }
    assertThatThrownBy(() -> body(download)).isInstanceOf(EOFException.class);
  }

  @Test
  void playingACorruptRecordingAnswersAnError() throws Exception {
    Files.write(
        dir.resolve("cam-20261115T104640Z.avi"),
        "not an avi file".getBytes(StandardCharsets.UTF_8));
    SurveillanceRoutes routes = new SurveillanceRoutes(null, new Segments(dir), null);
    SurveillanceRoutes.Reply play =
        get(routes, "GET", "/recordings/cam-20261115T104640Z.avi/play.mjpg", null);
    assertThat(play.status()).isEqualTo(500);
    assertThat(new String(body(play), StandardCharsets.UTF_8)).contains("cannot be played");
  }
}
