package dev.socketkit.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.RefusingPort;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MjpegLoadTest {
  private static MjpegOptions options(URI url, int viewers, Duration duration) {
    return new MjpegOptions(url, viewers, duration, Duration.ofMillis(200), 0, 64);
  }

  @Test
  void everyViewerReceivesTheStreamsFramesWithTheirAge() throws Exception {
    try (TestMjpegServer server = new TestMjpegServer(50, false)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 20, Duration.ofSeconds(1)));

      assertThat(report.errors()).isZero();
      // 50 fps for a second: every viewer gets frames, none gets more than the server sent.
      assertThat(report.fpsMin()).isGreaterThan(10);
      assertThat(report.fpsMax()).isLessThan(80);
      assertThat(report.fpsMin()).isLessThanOrEqualTo(report.fpsMedian());
      assertThat(report.frames()).isGreaterThanOrEqualTo(20 * 10);
      assertThat(report.bytesPerSecond()).isGreaterThan(20 * 10 * 5000);
      assertThat(report.p50Micros()).isNotNegative().isLessThanOrEqualTo(report.p99Micros());
      assertThat(report.format()).contains("20 viewers", "fps per viewer: min ", "frame age ms: ");
    }
  }

  @Test
  void countsDistinctTimestampsAsFramesAndReportsTheRepeats() throws Exception {
    // 20 frames a second, each sent three times: 60 parts a second, 20 frames.
    try (TestMjpegServer server = new TestMjpegServer(20, false, 1, 3, 0)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 4, Duration.ofSeconds(1)));

      assertThat(report.errors()).isZero();
      assertThat(report.fpsMin()).isGreaterThan(5);
      assertThat(report.fpsMax()).isLessThan(30); // parts would be about 60
      // Each counted frame's two copies are repeats, give or take the window's edges.
      assertThat(report.repeats()).isBetween(2 * report.frames() - 8, 2 * report.frames() + 8);
      assertThat(report.format()).contains("repeats: " + report.repeats() + " ");
    }
  }

  @Test
  void aStreamWithoutRepeatsReportsNone() throws Exception {
    try (TestMjpegServer server = new TestMjpegServer(50, false)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 3, Duration.ofMillis(500)));

      assertThat(report.frames()).isPositive();
      assertThat(report.repeats()).isZero();
    }
  }

  @Test
  void frameAgeIsTheViewersWallClockMinusTheEpochSecondsTimestamp() throws Exception {
    // Frames stamped 2 s before they are sent, in the camera's format (seconds, six decimals).
    try (TestMjpegServer server = new TestMjpegServer(50, false, 1, 1, 2000)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 2, Duration.ofMillis(500)));

      assertThat(report.p50Micros()).isBetween(2_000_000L, 2_500_000L);
      assertThat(report.maxMicros()).isGreaterThanOrEqualTo(report.p99Micros());
    }
  }

  @Test
  void countsAStreamWithACorruptedBoundaryAsAProtocolError() throws Exception {
    try (TestMjpegServer server = new TestMjpegServer(100, true)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 5, Duration.ofMillis(500)));

      assertThat(report.protocolErrors()).isEqualTo(5);
      assertThat(report.format()).contains("errors: 5 (connect 0, protocol 5, closed 0)");
    }
  }

  @Test
  void countsViewersThatCannotConnect() throws Exception {
    // Not a just-closed listener: that may still accept for a moment while its thread unwinds.
    try (RefusingPort refusing = RefusingPort.open()) {
      URI closed = URI.create("http://127.0.0.1:" + refusing.port() + "/stream.mjpg");
      MjpegReport report = MjpegLoad.run(options(closed, 4, Duration.ofMinutes(5)));

      assertThat(report.connectErrors()).isEqualTo(4);
      assertThat(report.frames()).isZero();
    }
  }

  @Test
  void letsOnlyMaxConnectingViewersWaitForAResponseAtOnce() throws Exception {
    try (TestMjpegServer server = new TestMjpegServer(50, false, 100)) {
      MjpegReport report =
          MjpegLoad.run(
              new MjpegOptions(server.url(), 8, Duration.ofMillis(300), Duration.ZERO, 0, 2));

      assertThat(report.errors()).isZero();
      assertThat(report.fpsMin()).isPositive();
      assertThat(server.mostUnanswered()).isBetween(1, 2);
    }
  }

  @Test
  void rejectsAUrlThatIsNotHttp() {
    assertThatThrownBy(
            () -> options(URI.create("https://127.0.0.1/stream.mjpg"), 1, Duration.ofSeconds(1)))
        .hasMessageContaining("expected: http://");
  }

  @Test
  @Tag("soak")
  void aThousandViewersFromOneThread() throws Exception {
    try (TestMjpegServer server = new TestMjpegServer(10, false)) {
      MjpegReport report = MjpegLoad.run(options(server.url(), 1000, Duration.ofSeconds(3)));

      assertThat(report.errors()).isZero();
      assertThat(report.fpsMin()).isGreaterThan(5);
    }
  }
}
