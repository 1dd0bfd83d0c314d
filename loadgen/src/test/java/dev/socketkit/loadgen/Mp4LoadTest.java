package dev.socketkit.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class Mp4LoadTest {
  private static Mp4Options options(URI url, int viewers, Duration duration) {
    return new Mp4Options(url, viewers, duration, Duration.ofMillis(200), 0, 64);
  }

  @Test
  void everyViewerCountsTheFragmentsAndTheirAgeFromPrft() throws Exception {
    // Stamped 300 ms before they are sent: the ages cannot be below that if read from the prft.
    try (TestMp4Server server = new TestMp4Server(40, 300, "video/mp4; codecs=\"avc1.64000d\"")) {
      Mp4Report report = Mp4Load.run(options(server.url(), 10, Duration.ofSeconds(1)));

      assertThat(report.errors()).isZero();
      assertThat(report.fpsMin()).isGreaterThan(10);
      assertThat(report.fpsMax()).isLessThan(60);
      assertThat(report.fragments()).isGreaterThanOrEqualTo(10 * 10);
      assertThat(report.untimed()).isZero();
      assertThat(report.p50Micros()).isGreaterThanOrEqualTo(300_000);
      assertThat(report.p99Micros()).isGreaterThanOrEqualTo(report.p50Micros());
      assertThat(report.bytesPerSecondPerViewer()).isPositive();
      assertThat(report.format())
          .contains("10 viewers", "fps per viewer: min ", "fragment age ms: p50 ", "kbit/s");
    }
  }

  @Test
  void aServerThatDoesNotSendMp4IsAProtocolErrorForEveryViewer() throws Exception {
    try (TestMp4Server server = new TestMp4Server(40, 0, "text/html")) {
      Mp4Report report = Mp4Load.run(options(server.url(), 3, Duration.ofSeconds(1)));

      assertThat(report.protocolErrors()).isEqualTo(3);
      assertThat(report.fragments()).isZero();
    }
  }

  @Test
  void optionsNameTheValueThatIsWrong() {
    URI url = URI.create("http://127.0.0.1:1/stream.mp4");
    assertThatThrownBy(() -> options(url, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("viewers: 0");
    assertThatThrownBy(() -> options(URI.create("https://x/"), 1, Duration.ofSeconds(1)))
        .hasMessageContaining("expected: http://");
  }
}
