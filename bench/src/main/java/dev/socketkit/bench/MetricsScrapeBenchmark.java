package dev.socketkit.bench;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Mp4FanOut;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.camera.internal.hls.HlsSegmenter;
import dev.socketkit.camera.internal.metrics.CameraProbe;
import dev.socketkit.camera.internal.metrics.ServerMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one {@code /metrics} scrape costs the camera: {@code ServerMetrics.scrape} of a registry
 * with one camera's collectors (over a real hub, supervisor, both fan-outs, HLS, motion events and
 * a recording directory) and the JVM's metrics, written in the Prometheus text format. The scrape
 * runs on the scraping connection's thread; scraped once a second, a score of {@code s} µs/op is
 * {@code s / 10_000} % of one core taken from the fan-out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsScrapeBenchmark {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
  private Path directory;
  private MjpegFanOut mjpeg;
  private Mp4FanOut mp4;
  private HlsSegmenter hls;
  private Surveillance surveillance;
  private ServerMetrics metrics;

  /** Builds the camera's parts (no thread started but the fan-out loop) and the registry. */
  @Setup
  public void setUp() throws IOException {
    directory = Files.createTempDirectory("socketkit-metrics-bench-");
    FrameHub hub = new FrameHub();
    hub.publish(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, 640, 480, 0);
    FrameSource idle =
        new FrameSource() {
          @Override
          public String describe() {
            return "idle";
          }

          @Override
          public void run(FrameHub ignored) {}
        };
    SourceSupervisor supervisor =
        new SourceSupervisor(idle, hub, 640, 480, 80, Duration.ofSeconds(10));
    FragmentHub fragments = new FragmentHub();
    mjpeg = new MjpegFanOut(hub, Duration.ofSeconds(10));
    mp4 = new Mp4FanOut(fragments, mjpeg.loop(), Duration.ofSeconds(10));
    hls = new HlsSegmenter(fragments::subscribeAtKeyframe, HlsSegmenter.DEFAULT_IDLE);
    surveillance =
        new Surveillance(
            hub, "bench", MotionSettings.defaults(), null, null, null, directory.resolve("events"));
    Surveillance shown = surveillance;
    metrics = new ServerMetrics();
    metrics.add(new CameraProbe("bench", hub, supervisor, mjpeg, mp4, hls, () -> shown, directory));
    for (int status : new int[] {200, 206, 304, 401, 404, 503}) {
      metrics.countResponse(status);
    }
  }

  /** Stops the fan-out loop and deletes the directory. */
  @TearDown
  public void tearDown() throws IOException {
    surveillance.close();
    hls.close();
    mp4.close();
    mjpeg.close();
    Files.deleteIfExists(directory);
  }

  /** One scrape, written as Prometheus asks by default; returns its size. */
  @Benchmark
  public int scrape() throws IOException {
    out.reset();
    metrics.scrape(null, out);
    return out.size();
  }
}
