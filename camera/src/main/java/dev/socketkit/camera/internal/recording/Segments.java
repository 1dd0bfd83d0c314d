package dev.socketkit.camera.internal.recording;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recordings in a directory: their names (camera name and start time, UTC), listing, lookup by
 * name and deletion.
 *
 * <p>Thread-safe (it holds only the directory); the file system is the state.
 */
public final class Segments {
  /**
   * {@code NAME-20261127T222300Z.mp4} (or {@code .avi}), optionally with {@code -2} when two start
   * in a second.
   */
  private static final Pattern FILE_NAME =
      Pattern.compile(
          "(?<camera>[A-Za-z0-9._-]+?)-(?<start>\\d{8}T\\d{6}Z)(?:-\\d+)?\\.(?<ext>avi|mp4)");

  /** The files {@link #list()} looks at: both formats, so a change of format keeps the old ones. */
  private static final String GLOB = "*.{avi,mp4}";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  private final Path directory;

  /** Segments in {@code directory} (which need not exist yet). */
  public Segments(Path directory) {
    this.directory = directory;
  }

  /** The directory the segments live in. */
  public Path directory() {
    return directory;
  }

  /**
   * One recording.
   *
   * @param name the file name, which is also its name in URLs
   * @param file the path
   * @param camera the camera name part of the name
   * @param start when its first frame was captured (from the name, to the second)
   * @param bytes the file's size
   */
  public record Segment(String name, Path file, String camera, Instant start, long bytes) {
    /** Whether it is a fragmented MP4 (H.264) recording, rather than an MJPEG AVI one. */
    public boolean mp4() {
      return name.endsWith(".mp4");
    }

    /** The media type a download is served with. */
    public String contentType() {
      return mp4() ? "video/mp4" : "video/x-msvideo";
    }

    /**
     * Reads what the file holds: for AVI its header, for MP4 its fragments (see {@link AviFile},
     * {@link Mp4File}).
     *
     * @throws IOException if it cannot be read or is not a recording
     */
    public Info inspect() throws IOException {
      if (mp4()) {
        Mp4File.Info info = Mp4File.inspect(file);
        return new Info(info.frames(), info.durationSeconds(), info.fps(), info.finished());
      }
      AviFile.Info info = AviFile.inspect(file);
      return new Info(info.frames(), info.durationSeconds(), info.fps(), info.finished());
    }
  }

  /**
   * What a recording holds, in either format.
   *
   * @param frames its pictures (an unfinished AVI: up to its last sync; an MP4: up to its last
   *     complete fragment)
   * @param durationSeconds its playing time
   * @param fps pictures per second
   * @param finished an AVI: closed with its index; an MP4: no torn fragment at its end
   */
  public record Info(int frames, double durationSeconds, double fps, boolean finished) {}

  /** The recordings, oldest first; files that are not recordings are left out. */
  public List<Segment> list() throws IOException {
    List<Segment> segments = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return segments;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, GLOB)) {
      for (Path file : files) {
        parse(file).ifPresent(segments::add);
      }
    }
    segments.sort(Comparator.comparing(Segment::start).thenComparing(Segment::name));
    return segments;
  }

  /**
   * The recording called {@code name}, if there is one. Only names of the form this class makes are
   * accepted, so a name can never reach outside the directory.
   */
  public Optional<Segment> find(String name) {
    if (!FILE_NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Path file = directory.resolve(name);
    return Files.isRegularFile(file) ? parse(file) : Optional.empty();
  }

  /**
   * A file name for a segment of {@code cameraName} starting at {@code start}, not yet taken in
   * either format, ending in {@code .extension}.
   */
  Path newFile(String cameraName, Instant start, String extension) {
    String base = safeName(cameraName) + "-" + STAMP.format(start.atOffset(ZoneOffset.UTC));
    String name = base;
    for (int n = 2; taken(name); n++) {
      name = base + "-" + n;
    }
    return directory.resolve(name + "." + extension);
  }

  private boolean taken(String name) {
    return Files.exists(directory.resolve(name + ".avi"))
        || Files.exists(directory.resolve(name + ".mp4"));
  }

  /** The camera name reduced to letters, digits, dot, dash and underscore. */
  static String safeName(String cameraName) {
    String safe = cameraName.replaceAll("[^A-Za-z0-9._-]+", "_");
    return safe.isEmpty() || safe.chars().allMatch(c -> c == '.') ? "camera" : safe;
  }

  private static Optional<Segment> parse(Path file) {
    Matcher m = FILE_NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Instant start =
          LocalDateTime.parse(m.group("start"), STAMP).atZone(ZoneOffset.UTC).toInstant();
      return Optional.of(
          new Segment(
              file.getFileName().toString(), file, m.group("camera"), start, Files.size(file)));
    } catch (DateTimeParseException | IOException e) {
      return Optional.empty(); // deleted meanwhile, or a name that only looks like ours
    }
  }
}
