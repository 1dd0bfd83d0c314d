package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Headless Chromium, a client no one here wrote, shows the recent motion events on the page. */
@Timeout(120)
class SurveillancePageTest {
  @TempDir Path dir;

  @Test
  void thePageShowsRecentMotionEventsWithTheirSnapshots() throws Exception {
    Tools.require("chromium");
    try (Camera camera = CameraServerTest.camera().size(320, 240).fps(15).start();
        Surveillance surveillance =
            new Surveillance(
                camera.hub(),
                "test",
                MotionSettings.defaults(),
                null,
                null,
                (Recorder) null,
                dir.resolve("events"))) {
      surveillance.start();
      camera.serveSurveillance(
          surveillance, new SurveillanceRoutes(surveillance.events(), null, null));
      // The test pattern moves all the time: an event starts within a second or so.
      Await.until(
          Duration.ofSeconds(30), () -> surveillance.events().total() > 0, () -> "a motion event");
      MotionEvent event = surveillance.events().page(1, null).get(0);
      String url = "http://127.0.0.1:" + ((InetSocketAddress) camera.address()).getPort() + "/";
      String[] result =
          RealClientsTest.run(
              90,
              List.of(
                  "chromium",
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--user-data-dir=" + dir.resolve("profile"),
                  "--virtual-time-budget=5000",
                  "--dump-dom",
                  url));
      assertThat(result[1])
          .contains("class=\"event")
          .contains("events/" + event.id() + "/snapshot.jpg")
          .contains("peak ");
    }
  }
}
