package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.camera.internal.h264.H264Copy;
import dev.socketkit.camera.internal.h264.H264Owner;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Design notes: H.264 passthrough.
 *
 * When the camera asks for it (copyH264To) and the input's video is H.264 (an RTSP camera, an .mp4
 * file, a V4L2 H.264 webcam), the same child that decodes to MJPEG also copies the H.264 as it is
 * (-c:v copy) to a second output: Annex-B (-f h264, h264_mp4toannexb for MP4 input, dump_extra so
 * that every keyframe carries its SPS/PPS also when the input keeps them out of band, as RTSP
 * does) written to tcp://127.0.0.1:PORT, a loopback listener this source opened on port 0 for
 * exactly one connection. One child per source, not two: the input is opened and read once. A
 * thread of the source (camera-h264-copy) reads it into the FragmentHub (H264Copy), so the
 * encoder runs no libx264 child for this camera (H264Owner hands the hub over).
 *
 * Which codec: before each run, one short ffmpeg run of the same input (-frames:v 1 -f null) with
 * -loglevel info, whose stream report ("Stream #0:0...: Video: h264 ...") names it. ffprobe is not
 * used: it refuses ffmpeg's input options (-re, -stream_loop) that these inputs carry. The cost is
 * opening the input twice per start, a fraction of a second for a file or a camera.
 *
 * Real time: the FrameHub's --fps cap drops JPEG frames, but the copied H.264 cannot be thinned, so
 * a file must be read with -re (as the README says); a live input is real time by nature. A file
 * read without -re would reach H.264 viewers at file speed.
 */

/**
 * Frames from an {@code ffmpeg} child process: any input ffmpeg reads (a V4L2 webcam, an RTSP
 * camera, a file, a lavfi test source) re-encoded as MJPEG on its stdout, split into JPEG images.
 *
 * <p>The child is {@code ffmpeg -hide_banner -nostdin -loglevel error ARGS -an -f mjpeg -q:v Q
 * pipe:1}: ARGS are the input options the user gives. The child is a {@link ChildProcess}: its
 * stderr's last lines go into the error message; it is stopped (SIGTERM, then a kill of its process
 * tree) when {@link #run} ends, and killed at once by {@link #abort}.
 *
 * <p>H.264 passthrough: after {@link #copyH264To}, an input whose video is H.264 is also copied,
 * without re-encoding, into the camera's fragment hub by the same child (see the notes at the top
 * of the source). An input with B-frames is re-encoded instead, from its next start on.
 *
 * <p>Runs on the supervisor's source thread, plus a {@code camera-h264-copy} thread while it passes
 * H.264 through; {@link #abort} from any thread.
 */
public final class FfmpegSource implements FrameSource {
  private static final System.Logger LOG = System.getLogger(FfmpegSource.class.getName());

  /** How long ffmpeg may take to exit after SIGTERM before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private final String program;
  private final List<String> inputArgs;
  private final int qscale;

  /** The source password, as given and as written into ffmpeg's URL; never shown. */
  private final List<String> secrets;

  private volatile ChildProcess process;
  private volatile FragmentHub h264;
  private volatile H264Owner owner;

  /** Why the H.264 is no longer passed through (B-frames), or null. */
  private volatile String copyRefused;

  /** How long the codec probe may take before it is killed and the input is re-encoded. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

  /** How long ffmpeg may take to connect to the H.264 listener. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The first video stream in ffmpeg's report of its input: {@code Stream #0:0...: Video: h264}.
   */
  private static final Pattern VIDEO_STREAM =
      Pattern.compile("^\\s*Stream #0:\\d+.*?: Video: ([A-Za-z0-9_]+)");

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

  /**
   * Passes an H.264 input through into {@code fragments} from the next start on (see the class
   * comment), {@code owner} handing the hub over between this source and the encoder. Call before
   * the source runs.
   */
  public void copyH264To(FragmentHub fragments, H264Owner owner) {
    this.h264 = fragments;
    this.owner = owner;
    owner.sourceProbing(true); // until the first run knows the codec
  }

  /** Why H.264 is re-encoded although passthrough was asked for (B-frames), or null. */
  public String copyRefused() {
    return copyRefused;
  }

  /** The full child command line. */
  public List<String> command() {
    return command(-1);
  }

  /**
   * The child command line; with {@code h264Port} above 0, also a copy of the video as Annex-B
   * H.264 to {@code tcp://127.0.0.1:h264Port}.
   */
  List<String> command(int h264Port) {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.add("-hide_banner");
    command.add("-nostdin");
    command.add("-loglevel");
    command.add("error");
    command.addAll(inputArgs);
    if (h264Port > 0) {
      command.addAll(List.of("-map", "0:v:0")); // the stream the probe saw, in both outputs
    }
    command.add("-an");
    command.add("-f");
    command.add("mjpeg");
    command.add("-q:v");
    command.add(Integer.toString(qscale));
    command.add("pipe:1");
    if (h264Port > 0) {
      command.addAll(
          List.of(
              "-map",
              "0:v:0",
              "-an",
              "-c:v",
              "copy",
              "-bsf:v",
              "h264_mp4toannexb,dump_extra=freq=keyframe",
              "-flush_packets",
              "1",
              "-f",
              "h264",
              "tcp://127.0.0.1:" + h264Port));
    }
    return command;
  }

  /** The codec probe's command line: one picture of the input, copied to nowhere. */
  List<String> probeCommand() {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.add("-hide_banner");
    command.add("-nostdin");
    command.add("-loglevel");
    command.add("info");
    command.addAll(inputArgs);
    command.addAll(List.of("-map", "0:v:0", "-c:v", "copy", "-frames:v", "1", "-f", "null", "-"));
    return command;
  }

  @Override
  public String describe() {
    return "ffmpeg " + hidden(String.join(" ", inputArgs));
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    FragmentHub fragments = h264;
    H264Owner h264Owner = owner;
    if (fragments == null || copyRefused != null) {
      run(hub, command(), null);
      return;
    }
    h264Owner.sourceProbing(true);
    String codec;
    try {
      codec = probeCodec();
      if ("h264".equals(codec)) {
        h264Owner.sourceStarts(); // before the probing ends: the encoder must not start between
      }
    } finally {
      h264Owner.sourceProbing(false);
    }
    if (!"h264".equals(codec)) {
      run(hub, command(), null);
      return;
    }
    // Not a try-with-resources: it is closed early, once ffmpeg connected or the run ended.
    ServerSocket listener;
    try {
      listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      h264Owner.sourceStopped();
      throw e;
    }
    try {
      listener.setSoTimeout(250);
      H264Copy copy = new H264Copy(fragments, h264Owner);
      AtomicReference<ChildProcess> started = new AtomicReference<>();
      Thread copier =
          new Thread(() -> copyH264(listener, started, copy, h264Owner), "camera-h264-copy");
      copier.setDaemon(true);
      try {
        run(
            hub,
            command(listener.getLocalPort()),
            child -> {
              started.set(child);
              copier.start();
            });
      } finally {
        listener.close(); // ends a wait for the connection
        if (copier.isAlive()) {
          copier.join(5000); // the child is gone: its output has ended
        }
      }
    } finally {
      listener.close();
      h264Owner.sourceStopped(); // also when the copier never ran
    }
  }

  /**
   * Accepts ffmpeg's connection to {@code listener} and copies the H.264 into the fragment hub
   * until it ends; then lets the encoder have the hub. Runs on {@code camera-h264-copy}.
   */
  private void copyH264(
      ServerSocket listener, AtomicReference<ChildProcess> started, H264Copy copy, H264Owner own) {
    ChildProcess child = started.get();
    try (Socket socket = accept(listener, child);
        InputStream in = socket.getInputStream()) {
      listener.close(); // exactly one connection
      copy.copy(in);
    } catch (H264Copy.BFramesException e) {
      copyRefused = e.getMessage();
      LOG.log(Level.WARNING, "ffmpeg source: " + e.getMessage());
      child.kill(); // restarts the source, which re-encodes from now on
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "ffmpeg source: the H.264 copy ended: " + e);
    } finally {
      own.sourceStopped(); // the copy reset the hub: the encoder may fill it (NO SIGNAL)
    }
  }

  /**
   * The one connection from {@code child}, waiting while it lives, up to the connect timeout. A
   * connection from another user's process (any local user can connect to a loopback port) is
   * closed and logged: it could show viewers pictures of its own.
   */
  private static Socket accept(ServerSocket listener, ChildProcess child) throws IOException {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (true) {
      try {
        Socket socket = listener.accept();
        if (fromThisUser(socket)) {
          return socket;
        }
        LOG.log(Level.WARNING, "ffmpeg source: refused a connection from another user's process");
        socket.close();
      } catch (SocketTimeoutException e) {
        if (!child.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("ffmpeg did not connect its H.264 output", e);
        }
      }
    }
  }

  /**
   * Whether the process at the other end of a loopback connection runs as this process's user, read
   * from the kernel's socket tables ({@code /proc/net/tcp}, {@code tcp6}: the peer's socket is the
   * one whose local port is our peer's and remote port ours). Where there are no such tables (not
   * Linux) the check cannot be made and the connection is taken.
   */
  static boolean fromThisUser(Socket socket) throws IOException {
    List<Path> tables = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    if (!Files.isReadable(tables.get(0))) {
      return true;
    }
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    String peerLocal = String.format(Locale.ROOT, ":%04X", socket.getPort());
    String peerRemote = String.format(Locale.ROOT, ":%04X", socket.getLocalPort());
    for (Path table : tables) {
      if (!Files.isReadable(table)) {
        continue;
      }
      for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
        String[] fields = line.strip().split("\\s+", -1);
        if (fields.length > 7 && fields[1].endsWith(peerLocal) && fields[2].endsWith(peerRemote)) {
          return Integer.parseInt(fields[7]) == uid;
        }
      }
    }
    return false;
  }

  /**
   * The codec of the input's first video stream as ffmpeg names it ({@code h264}, {@code mjpeg},
   * ...), or null when the probe could not tell (the run that follows then reports why).
   */
  private String probeCodec() throws InterruptedException {
    AtomicReference<String> codec = new AtomicReference<>();
    ChildProcess probe;
    try {
      probe =
          ChildProcess.start(
              probeCommand(),
              Map.of(),
              ProcessBuilder.Redirect.DISCARD,
              line -> {
                Matcher video = VIDEO_STREAM.matcher(line);
                if (codec.get() == null && video.find()) {
                  codec.set(video.group(1));
                }
              });
    } catch (IOException e) {
      return null;
    }
    process = probe;
    try {
      probe.waitFor(PROBE_TIMEOUT);
      probe.stderrTail(); // waits for the drain thread to read the report
    } finally {
      probe.stop(GRACE);
    }
    return codec.get();
  }

  /** Runs {@code command} until its MJPEG ends; {@code onStart} is told the child, or null. */
  private void run(FrameHub hub, List<String> command, Consumer<ChildProcess> onStart)
      throws Exception {
    ChildProcess child;
    try {
      child = ChildProcess.start(command, Map.of(), ProcessBuilder.Redirect.PIPE, null);
    } catch (IOException e) {
      throw new IOException(
          "cannot run ffmpeg (is it installed? Debian: apt-get install ffmpeg): " + e.getMessage(),
          e);
    }
    process = child;
    if (onStart != null) {
      onStart.accept(child);
    }
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
