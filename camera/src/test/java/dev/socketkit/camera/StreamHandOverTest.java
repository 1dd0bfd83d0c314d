package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain-TCP viewer leaves its request thread: the stream's connection is detached to the fan-out,
 * so viewers cost no thread on any JDK, and the fan-out gives back the connection and the viewer's
 * slot when the viewer leaves.
 */
@Timeout(120)
class StreamHandOverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * Threads the JVM may gain besides the viewers: the fan-out loop, the HTTP watchdog, a request
   * thread or two still finishing, a 503 writer, carrier threads on 21+. A thread per viewer would
   * be 200.
   */
  private static final int FEW_THREADS = 16;

  private static final int VIEWERS = 200;

  private static int viewerCount(int port) throws Exception {
    CameraServerTest.Response state = CameraServerTest.get(port, "/state");
    assertThat(state.code()).isEqualTo(200);
    return JSON.readTree(state.body()).get("viewerCount").asInt();
  }

  private static MjpegClient view(int port) throws IOException {
    MjpegClient client = MjpegClient.open("127.0.0.1", port, "/stream.mjpg");
    assertThat(client.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    return client;
  }

  private static void closeAll(List<MjpegClient> clients) throws IOException {
    for (MjpegClient client : clients) {
      client.close();
    }
  }

  @Test
  void twoHundredViewersCostNoThreadsAndTheirSlotsComeBackWhenTheyLeave() throws Exception {
    try (Camera camera =
        CameraServerTest.camera()
            .maxViewers(VIEWERS)
            .maxConnectionsPerClient(VIEWERS + 10)
            .start()) {
      int port = CameraServerTest.port(camera);
      // Warm up: the fan-out, the source and the watchdog have started once a viewer was served.
      try (MjpegClient first = view(port)) {
        first.next();
      }
      Await.until(WAIT, () -> viewerCount(port) == 0, () -> "the warm-up viewer has left");
      int idle = THREADS.getThreadCount();

      List<MjpegClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < VIEWERS; i++) {
          clients.add(view(port));
        }
        Await.until(
            WAIT,
            () -> viewerCount(port) == VIEWERS,
            () -> VIEWERS + " viewers in /state; " + camera.fanOut().viewerCount() + " now");
        Await.until(
            WAIT,
            () -> THREADS.getThreadCount() <= idle + FEW_THREADS,
            () ->
                "at most "
                    + (idle + FEW_THREADS)
                    + " threads with "
                    + VIEWERS
                    + " viewers ("
                    + idle
                    + " with none); "
                    + THREADS.getThreadCount()
                    + " now");
        for (MjpegClient client : clients) {
          long first = timestamp(client.next());
          long later = first;
          while (later == first) {
            later = timestamp(client.next());
          }
          assertThat(later).as("each viewer receives new frames").isGreaterThan(first);
        }
        // Every slot is taken: one more viewer is turned away by the camera's cap.
        CameraServerTest.Response refused = CameraServerTest.get(port, "/stream.mjpg");
        assertThat(refused.code()).isEqualTo(503);
      } finally {
        closeAll(clients);
      }
      Await.until(
          WAIT,
          () -> viewerCount(port) == 0,
          () -> "no viewers in /state after they left; " + camera.fanOut().viewerCount() + " now");
      // The slots came back with the connections: a new viewer is served.
      try (MjpegClient again = view(port)) {
        assertThat(again.next().jpeg()).isNotEmpty();
      }
    }
  }

  @Test
  void thePerClientCapCountsStreamingViewers() throws Exception {
    int cap = 50;
    try (Camera camera =
        CameraServerTest.camera().maxViewers(100).maxConnectionsPerClient(cap).start()) {
      int port = CameraServerTest.port(camera);
      List<MjpegClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < cap; i++) {
          clients.add(view(port));
        }
        Await.until(WAIT, () -> camera.fanOut().viewerCount() == cap, () -> cap + " viewers");
        CameraServerTest.Response refused = CameraServerTest.get(port, "/state");
        assertThat(refused.code()).as("the 51st connection from one address").isEqualTo(503);
        assertThat(refused.text()).contains("Too many connections");

        clients.remove(0).close();
        Await.until(
            WAIT,
            () -> camera.fanOut().viewerCount() == cap - 1,
            () -> "the viewer that left has ended");
        Await.until(
            WAIT,
            () -> CameraServerTest.get(port, "/state").code() == 200,
            () -> "a connection is admitted once a streaming viewer has left");
      } finally {
        closeAll(clients);
      }
    }
  }

  private static long timestamp(MjpegClient.Part part) {
    return Long.parseLong(part.headers().get("X-Timestamp").replace(".", ""));
  }
}
