package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** The source password, as given and as written into ffmpeg's URL; never shown. */
  private final List<String> secrets;

  private volatile ChildProcess process;

  /** A URL that names a user but no password: {@code rtsp://USER@HOST...}. */
  private static final Pattern USER_ONLY =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^:@/\\s]+)@(.*)", Pattern.DOTALL);

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
    this(program, args, quality, null);
  }

  /**
   * As {@link #FfmpegSource(String, String, int)}, with {@code password} for the user that an input
   * URL names ({@code rtsp://USER@HOST/...}). ffmpeg takes credentials only in the URL, so the
   * password is written (percent-encoded) into that URL in ffmpeg's arguments: it is not in
   * socketkit's own command line, but it is in ffmpeg's, which {@code ps} shows to every user of
   * the machine unless {@code /proc} is mounted with {@code hidepid=2}. It is never shown in {@link
   * #describe()} or an error. The array is not kept.
   *
   * @param password the password of the URL's user, or null for none
   * @throws IllegalArgumentException as {@link #FfmpegSource(String, int)}, or when a password is
   *     given and no input word is a URL naming a user without a password
   */
  public FfmpegSource(String program, String args, int quality, char[] password) {
    this.program = program;
    List<String> words;
    try {
      words = CommandLineWords.split(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "ffmpeg: the input options " + e.getMessage() + ": " + Redaction.redact(args), e);
    }
    if (password == null || password.length == 0) {
      this.secrets = List.of();
      this.inputArgs = words;
    } else {
      String plain = new String(password);
      String encoded = URLEncoder.encode(plain, StandardCharsets.UTF_8).replace("+", "%20");
      this.secrets = List.of(encoded, plain);
      this.inputArgs = withPassword(words, encoded);
    }
    if (inputArgs.isEmpty()) {
      throw new IllegalArgumentException(
          "ffmpeg: needs input options, e.g. ffmpeg:-f v4l2 -i /dev/video0");
    }
    this.qscale = Math.round(2 + (100 - quality) * 29f / 99f);
  }

  /** {@code words} with {@code encoded} put into the one URL that names a user only. */
  private static List<String> withPassword(List<String> words, String encoded) {
    List<String> result = new ArrayList<>(words);
    int found = 0;
    for (int i = 0; i < result.size(); i++) {
      Matcher url = USER_ONLY.matcher(result.get(i));
      if (url.matches()) {
        result.set(i, url.group(1) + url.group(2) + ":" + encoded + "@" + url.group(3));
        found++;
      }
    }
    if (found != 1) {
      throw new IllegalArgumentException(
          "ffmpeg: a source password needs exactly one input URL naming its user and no password,"
              + " e.g. -i rtsp://USER@HOST/stream (found "
              + found
              + ")");
    }
    return List.copyOf(result);
  }

  /** {@code text} without the source password, in case ffmpeg printed it outside a URL. */
  private String hidden(String text) {
    String redacted = Redaction.redact(text);
    for (String secret : secrets) {
      redacted = redacted.replace(secret, Redaction.HIDDEN);
    }
    return redacted;
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
    return "ffmpeg " + hidden(String.join(" ", inputArgs));
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
          "ffmpeg exited with code " + code + (tail.isEmpty() ? "" : ": " + hidden(tail)));
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
