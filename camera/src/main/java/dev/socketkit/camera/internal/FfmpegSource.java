package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Frames from an {@code ffmpeg} child process: any input ffmpeg reads (a V4L2 webcam, an RTSP
 * camera, a file, a lavfi test source) re-encoded as MJPEG on its stdout, split into JPEG images.
 *
 * <p>The child is {@code ffmpeg -hide_banner -nostdin -loglevel error ARGS -an -f mjpeg -q:v Q
 * pipe:1}: ARGS are the input options the user gives. Its stderr is drained by a small thread and
 * the last lines kept for the error message. The child is killed when {@link #run} ends, and by
 * {@link #abort}.
 *
 * <p>Runs on the supervisor's source thread; {@link #abort} from any thread.
 */
public final class FfmpegSource implements FrameSource {
  private static final int STDERR_LINES = 5;

  private final String program;
  private final List<String> inputArgs;
  private final int qscale;
  private volatile Process process;

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
    return "ffmpeg " + redact(String.join(" ", inputArgs));
  }

  /** Hides {@code user:password@} in URLs (RTSP cameras). */
  static String redact(String text) {
    return text.replaceAll("(\\w+://)[^/@\\s]*@", "$1***@");
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    Process child;
    try {
      child = new ProcessBuilder(command()).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run ffmpeg (is it installed? Debian: apt-get install ffmpeg): " + e.getMessage(),
          e);
    }
    process = child;
    Deque<String> lastErrors = new ArrayDeque<>();
    Thread drain = new Thread(() -> drain(child.getErrorStream(), lastErrors), "ffmpeg-stderr");
    drain.setDaemon(true);
    drain.start();
    try (InputStream out = child.getInputStream()) {
      child.getOutputStream().close();
      JpegStreamSplitter splitter = new JpegStreamSplitter(out);
      byte[] jpeg;
      int[] size = null;
      while ((jpeg = splitter.next()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        if (size == null) {
          size = Jpeg.size(jpeg);
        }
        hub.publish(jpeg, size[0], size[1], FrameHub.nowMicros());
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      int code = child.waitFor();
      drain.join(1000);
      String detail;
      synchronized (lastErrors) {
        detail = lastErrors.isEmpty() ? "" : ": " + redact(String.join(" | ", lastErrors));
      }
      throw new IOException("ffmpeg exited with code " + code + detail);
    } finally {
      kill(child);
    }
  }

  @Override
  public void abort() {
    Process child = process;
    if (child != null) {
      child.destroyForcibly();
    }
  }

  /**
   * Ends the child: asks it to stop, then kills it if it is still alive after a grace period. The
   * caller's interrupt flag (a stop or a stall, the usual reason to be here) is cleared while
   * waiting, since it would make every wait throw at once and the kill never come, and restored.
   */
  static void kill(Process child) {
    boolean interrupted = Thread.interrupted();
    try {
      child.destroy();
      if (!child.waitFor(interrupted ? 500 : 2000, TimeUnit.MILLISECONDS)) {
        child.destroyForcibly();
        child.waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      child.destroyForcibly();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void drain(InputStream err, Deque<String> lastErrors) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        synchronized (lastErrors) {
          lastErrors.addLast(line.strip());
          while (lastErrors.size() > STDERR_LINES) {
            lastErrors.removeFirst();
          }
        }
      }
    } catch (IOException ignored) {
      // the child is gone; what it said so far is kept
    }
  }
}
