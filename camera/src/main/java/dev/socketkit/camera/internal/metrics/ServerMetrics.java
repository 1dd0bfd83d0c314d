package dev.socketkit.camera.internal.metrics;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.SourceState;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Mp4FanOut;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.motion.MotionEvents;
import dev.socketkit.camera.internal.recording.Recorder;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The metrics of one camera server, in its own Prometheus registry (never the global default, so
 * that two servers in one JVM, as in the tests, do not mix): callback collectors that read each
 * registered camera's counters at scrape time, the HTTP responses by status, and the JVM's figures.
 *
 * <p>Every camera series carries a {@code camera} label with the camera's name; serving another
 * camera from the same server is {@link #add}ing its probe. Scrapes run on the scraping
 * connection's thread; {@link #countResponse} on every connection's thread; any thread may add or
 * remove a camera.
 */
public final class ServerMetrics {
  /** Statuses counted one by one: 100 to 599 (RFC 9110, section 15). */
  private static final int FIRST_STATUS = 100;

  private static final int LAST_STATUS = 599;

  /**
   * JVM metrics never collected: the client finds deadlocked threads with a VM operation that stops
   * every thread at a safepoint, the fan-out's loop included, and it was most of a scrape's cost
   * ({@code MetricsScrapeBenchmark}). A thread dump finds deadlocks when one is suspected.
   */
  private static final Set<String> LEFT_OUT =
      Set.of("jvm_threads_deadlocked", "jvm_threads_deadlocked_monitor");

  /** The media type a scraper that wants OpenMetrics names in {@code Accept}. */
  private static final String OPEN_METRICS = "application/openmetrics-text";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<CameraProbe> cameras = new CopyOnWriteArrayList<>();
  private final LongAdder[] responses = new LongAdder[LAST_STATUS - FIRST_STATUS + 1];
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
  private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

  /** A registry with the camera collectors (no camera yet) and the JVM's metrics. */
  public ServerMetrics() {
    for (int i = 0; i < responses.length; i++) {
      responses[i] = new LongAdder();
    }
    gauge(
        "socketkit_camera_source_up",
        "Whether the camera's source runs (1) or is restarting or stopped (0).",
        camera -> camera.supervisor().status().state() == SourceState.RUNNING ? 1 : 0);
    counter(
        "socketkit_camera_frames_captured",
        "Frames the camera's source delivered (NO SIGNAL frames included).",
        camera -> {
          Frame latest = camera.hub().latest();
          return latest == null ? 0 : latest.sequence();
        });
    counter(
        "socketkit_camera_source_restarts",
        "Times the camera's source failed, ended or stalled and was restarted.",
        camera -> camera.supervisor().status().restarts());
    GaugeWithCallback.builder()
        .name("socketkit_camera_viewers")
        .help("Viewers connected now, by format (HLS players are plain requests, not counted).")
        .labelNames("camera", "format")
        .callback(
            callback -> {
              for (CameraProbe camera : cameras) {
                callback.call((double) camera.mjpeg().viewerCount(), camera.name(), "mjpeg");
                callback.call((double) camera.mp4().viewerCount(), camera.name(), "mp4");
              }
            })
        .register(registry);
    counter(
        "socketkit_camera_frames_sent",
        "JPEG frames sent whole to MJPEG viewers.",
        camera -> camera.mjpeg().totals().framesSent());
    counter(
        "socketkit_camera_frames_dropped",
        "Frames MJPEG viewers skipped because they were still receiving an older one.",
        camera -> camera.mjpeg().totals().framesDropped());
    CounterWithCallback.builder()
        .name("socketkit_camera_sent_bytes")
        .help("Bytes sent to viewers, by format.")
        .labelNames("camera", "format")
        .callback(
            callback -> {
              for (CameraProbe camera : cameras) {
                MjpegFanOut.Totals mjpeg = camera.mjpeg().totals();
                Mp4FanOut.Totals mp4 = camera.mp4().totals();
                callback.call((double) mjpeg.bytesSent(), camera.name(), "mjpeg");
                callback.call((double) mp4.bytesSent(), camera.name(), "mp4");
                callback.call((double) camera.hls().bytesSent(), camera.name(), "hls");
              }
            })
        .register(registry);
    counterWhere(
        "socketkit_camera_motion_events",
        "Motion events seen (cameras with motion detection only).",
        ServerMetrics::events,
        MotionEvents::total);
    counterWhere(
        "socketkit_camera_hook_failures",
        "Motion programs that did not start, failed or were killed at their timeout.",
        ServerMetrics::events,
        MotionEvents::hookFailures);
    counterWhere(
        "socketkit_camera_recorded_bytes",
        "JPEG bytes written to recordings (recording cameras only).",
        ServerMetrics::recorder,
        Recorder::bytesWritten);
    counterWhere(
        "socketkit_camera_recording_dropped_frames",
        "Frames the recorder dropped because the disk was slower than the camera.",
        ServerMetrics::recorder,
        Recorder::framesDropped);
    GaugeWithCallback.builder()
        .name("socketkit_camera_record_disk_free_bytes")
        .help("Free bytes on the disk of the camera's recording directory.")
        .labelNames("camera")
        .callback(
            callback -> {
              for (CameraProbe camera : cameras) {
                long free = camera.freeDiskBytes();
                if (free >= 0) {
                  callback.call((double) free, camera.name());
                }
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("socketkit_http_responses")
        .help("HTTP responses the server sent, by status code.")
        .labelNames("code")
        .callback(
            callback -> {
              for (int i = 0; i < responses.length; i++) {
                long count = responses[i].sum();
                if (count > 0) {
                  callback.call((double) count, Integer.toString(FIRST_STATUS + i));
                }
              }
            })
        .register(registry);
    JvmMetrics.builder().register(registry);
  }

  private void gauge(String name, String help, ToDoubleFunction<CameraProbe> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("camera")
        .callback(
            callback -> {
              for (CameraProbe camera : cameras) {
                callback.call(value.applyAsDouble(camera), camera.name());
              }
            })
        .register(registry);
  }

  private void counter(String name, String help, ToDoubleFunction<CameraProbe> value) {
    counterWhere(name, help, camera -> camera, value); // every camera has itself
  }

  /**
   * A counter of the cameras that have {@code part} (motion detection, a recorder): those without
   * report no series rather than a zero.
   */
  private <T> void counterWhere(
      String name, String help, Function<CameraProbe, T> part, ToDoubleFunction<T> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("camera")
        .callback(
            callback -> {
              for (CameraProbe camera : cameras) {
                T of = part.apply(camera);
                if (of != null) {
                  callback.call(value.applyAsDouble(of), camera.name());
                }
              }
            })
        .register(registry);
  }

  private static MotionEvents events(CameraProbe camera) {
    Surveillance surveillance = camera.surveillance();
    return surveillance == null ? null : surveillance.events();
  }

  private static Recorder recorder(CameraProbe camera) {
    Surveillance surveillance = camera.surveillance();
    return surveillance == null ? null : surveillance.recorder();
  }

  /**
   * Reports {@code camera} from the next scrape on, and in {@link #unready()}.
   *
   * @throws IllegalArgumentException if a camera of that name is already reported
   */
  public void add(CameraProbe camera) {
    synchronized (cameras) {
      for (CameraProbe other : cameras) {
        if (other.name().equals(camera.name())) {
          throw new IllegalArgumentException(
              "camera: " + camera.name() + " (expected: a name no other camera has)");
        }
      }
      cameras.add(camera);
    }
  }

  /** Stops reporting {@code camera}; its series vanish from the next scrape. */
  public void remove(CameraProbe camera) {
    cameras.remove(camera);
  }

  /** Counts one response with {@code status}; a status outside 100 to 599 is not counted. */
  public void countResponse(int status) {
    if (status >= FIRST_STATUS && status <= LAST_STATUS) {
      responses[status - FIRST_STATUS].increment();
    }
  }

  /**
   * Collects every metric now and writes them to {@code out} in the format {@code accept} asks for:
   * OpenMetrics text when it names {@code application/openmetrics-text}, else the Prometheus text
   * format ({@code text/plain; version=0.0.4}). Calling thread.
   *
   * @return the {@code Content-Type} of what was written
   * @throws IOException if {@code out} fails
   */
  public String scrape(String accept, OutputStream out) throws IOException {
    ExpositionFormatWriter writer =
        accept != null && accept.toLowerCase(Locale.ROOT).contains(OPEN_METRICS)
            ? openMetrics
            : text;
    writer.write(out, registry.scrape(name -> !LEFT_OUT.contains(name)));
    return writer.getContentType();
  }

  /**
   * The names of the cameras that do not deliver frames now ({@link CameraProbe#ready()}), in the
   * order they were added; empty when every camera does. Blocks for at most a few seconds.
   */
  public List<String> unready() throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (CameraProbe camera : cameras) {
      if (!camera.ready()) {
        names.add(camera.name());
      }
    }
    return names;
  }
}
