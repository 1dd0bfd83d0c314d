package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Frames from an {@code ffmpeg} child process: any input ffmpeg reads (a V4L2 webcam, an RTSP
 * camera, a file, a lavfi test source) re-encoded as MJPEG on its stdout, split into JPEG images.
 *
 * <p>The child is {@code ffmpeg -hide_banner -nostdin -loglevel error ARGS -an -f mjpeg -q:v Q
 * pipe:1}: ARGS are the input options the user gives. The child is a {@link ChildProcess}: its
 * stderr's last lines go into the error message; it is stopped (SIGTERM, then a kill of its process
 * tree) when {@link #run} ends, and killed at once by {@link #abort}.
 *
 * <p>Runs on the supervisor's source thread; {@link #abort} from any thread.
 */
public final class FfmpegSource implements FrameSource {
  /** How long ffmpeg may take to exit after SIGTERM before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private final String program;
  private final List<String> inputArgs;
  private final int qscale;
  private volatile ChildProcess process;

  /**
   * A source running ffmpeg with input options {@code args} (a shell-like line), encoding at {@code
   * quality} (1 to 100; mapped to ffmpeg's {@code -q:v} 31 to 2).
   *
   * @throws IllegalArgumentException if {@code args} has no words, an unclosed quote or a trailing
   *     backslash (split as Python's {@code shlex.split})
   */
  public FfmpegSource(String args, int quality) {
    this("ffmpeg", args, quality);
  }

  /** As {@link #FfmpegSource(String, int)}, running {@code program} (a path or a name on PATH). */
  public FfmpegSource(String program, String args, int quality) {
    this.program = program;
    try {
      this.inputArgs = CommandLineWords.split(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ffmpeg: the input options " + e.getMessage() + ": " + args, e);
    }
    if (inputArgs.isEmpty()) {
      throw new IllegalArgumentException(
          "ffmpeg: needs input options, e.g. ffmpeg:-f v4l2 -i /dev/video0");
    }
    this.qscale = Math.round(2 + (100 - quality) * 29f / 99f);
  }

  /** The full child command line. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.add("-hide_banner");
    command.add("-nostdin");
    command.add("-loglevel");
    command.add("error");
    command.addAll(inputArgs);
    command.add("-an");
    command.add("-f");
    command.add("mjpeg");
    command.add("-q:v");
    command.add(Integer.toString(qscale));
    command.add("pipe:1");
    return command;
  }

  @Override
  public String describe() {
    return "ffmpeg " + Redaction.redact(String.join(" ", inputArgs));
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    ChildProcess child;
    try {
      child = ChildProcess.start(command(), Map.of(), ProcessBuilder.Redirect.PIPE, null);
    } catch (IOException e) {
      throw new IOException(
          "cannot run ffmpeg (is it installed? Debian: apt-get install ffmpeg): " + e.getMessage(),
          e);
    }
    process = child;
    try (InputStream out = child.stdout()) {
      JpegStreamSplitter splitter = new JpegStreamSplitter(out);
      byte[] jpeg;
      Size size = null;
      while ((jpeg = splitter.next()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        if (size == null) {
          size = Jpeg.size(jpeg);
        }
        hub.publish(jpeg, size.width(), size.height(), FrameHub.nowMicros());
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      int code = child.waitForExit();
      String tail = child.stderrTail();
      throw new IOException(
          "ffmpeg exited with code "
              + code
              + (tail.isEmpty() ? "" : ": " + Redaction.redact(tail)));
    } finally {
      child.stop(GRACE);
    }
  }

  @Override
  public void abort() {
    ChildProcess child = process;
    if (child != null) {
      child.kill();
    }
  }

  /**
   * Ends a child as {@link #run} does when it ends: SIGTERM, {@link #GRACE}, then a kill of its
   * whole process tree (see {@link ChildProcess#stop(Duration)}).
   */
  static void kill(Process child) {
    ChildProcess.stop(child, GRACE);
  }
}
