package dev.socketkit.camera.internal.metrics;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.SourceState;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Mp4FanOut;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.hls.HlsSegmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One camera as the metrics see it: its name (the {@code camera} label) and the parts whose
 * counters the collectors read. Reads only; owns and closes nothing. Any thread.
 */
public final class CameraProbe {
  /**
   * A camera is ready when its newest frame is at most this old: a few frame intervals at 1 fps.
   */
  static final Duration FRESH = Duration.ofSeconds(5);

  /**
   * How long {@code /readyz} waits for a frame from a resting source (nobody watching): it wakes
   * it, as a snapshot does, and a source starts within a second or two.
   */
  static final Duration WAKE = Duration.ofSeconds(3);

  private final String name;
  private final FrameHub hub;
  private final SourceSupervisor supervisor;
  private final MjpegFanOut mjpeg;
  private final Mp4FanOut mp4;
  private final HlsSegmenter hls;
  private final Supplier<Surveillance> surveillance;
  private final Path recordDirectory;

  /**
   * A probe of one camera's parts.
   *
   * @param name the camera's name, the value of the {@code camera} label
   * @param surveillance the motion detection and recording shown now (may return null)
   * @param recordDirectory the recording directory, whose free space is reported; null for none
   */
  public CameraProbe(
      String name,
      FrameHub hub,
      SourceSupervisor supervisor,
      MjpegFanOut mjpeg,
      Mp4FanOut mp4,
      HlsSegmenter hls,
      Supplier<Surveillance> surveillance,
      Path recordDirectory) {
    this.name = Objects.requireNonNull(name, "name");
    this.hub = hub;
    this.supervisor = supervisor;
    this.mjpeg = mjpeg;
    this.mp4 = mp4;
    this.hls = hls;
    this.surveillance = surveillance;
    this.recordDirectory = recordDirectory;
  }

  /** The camera's name. */
  public String name() {
    return name;
  }

  FrameHub hub() {
    return hub;
  }

  SourceSupervisor supervisor() {
    return supervisor;
  }

  MjpegFanOut mjpeg() {
    return mjpeg;
  }

  Mp4FanOut mp4() {
    return mp4;
  }

  HlsSegmenter hls() {
    return hls;
  }

  /** The surveillance shown now, or null. */
  Surveillance surveillance() {
    return surveillance.get();
  }

  /** Free bytes for an unprivileged writer on the recording directory's disk, or -1. */
  long freeDiskBytes() {
    if (recordDirectory == null) {
      return -1;
    }
    try {
      return Files.getFileStore(recordDirectory).getUsableSpace();
    } catch (IOException | SecurityException e) {
      return -1; // not made yet, or gone: no figure rather than a wrong one
    }
  }

  /**
   * Whether the camera delivers frames: its source runs and a frame of this run came at most {@link
   * #FRESH} ago. A running source that rests because nobody watches is woken and given {@link
   * #WAKE} to deliver one. Blocks the calling thread for at most that long.
   */
  public boolean ready() throws InterruptedException {
    if (supervisor.delivering(FRESH)) {
      return true;
    }
    if (supervisor.status().state() != SourceState.RUNNING) {
      return false;
    }
    Frame latest = hub.latest();
    hub.awaitNewer(latest == null ? 0 : latest.sequence(), WAKE);
    return supervisor.delivering(FRESH);
  }
}
