package dev.socketkit.cli;

import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.internal.FfmpegSource;
import dev.socketkit.camera.internal.MjpegRelaySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The password of a {@code --source} URL given apart from it, so that it is not in socketkit's
 * command line for {@code ps} to show: from {@code --source-password-file FILE} (its first line) or
 * the environment variable {@value #ENVIRONMENT}. It is used only for a source URL that names a
 * user and no password ({@code http://USER@HOST/...}, or {@code -i rtsp://USER@HOST/...} inside
 * {@code ffmpeg:}); the relay sends it in the {@code Authorization} header alone, ffmpeg gets it in
 * its input URL (the one way ffmpeg takes credentials).
 *
 * <p>Used on the command's thread only.
 */
final class SourceCredentials {
  /** The environment variable that may hold the source password. */
  static final String ENVIRONMENT = "SOCKETKIT_SOURCE_PASSWORD";

  /** A URL naming a user and no password, anywhere in the source value. */
  private static final Pattern USER_ONLY = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^:@/\\s]+@");

  private SourceCredentials() {}

  /**
   * The source made with the password from {@code file} or {@code environment}, or null when there
   * is none to give (the camera then parses {@code spec} itself).
   *
   * @param spec the {@code --source} value
   * @param file the {@code --source-password-file}, or null
   * @param environment the process environment
   * @param quality the JPEG quality, for an ffmpeg source
   * @param maxFrameSize the frame size cap, for a relay
   * @throws CommandFailure when the file cannot be read or is empty, or a file is given for a
   *     source that names no user without a password
   */
  static FrameSource source(
      String spec, Path file, Map<String, String> environment, int quality, int maxFrameSize) {
    boolean wanted = namesUserOnly(spec);
    if (file != null && !wanted) {
      throw new CommandFailure(
          "--source-password-file needs a --source URL that names its user and no password,"
              + " e.g. http://USER@HOST/stream.mjpg or ffmpeg:-i rtsp://USER@HOST/stream");
    }
    if (!wanted) {
      return null; // the environment variable is for sources that ask for it, and only those
    }
    char[] password = file != null ? fromFile(file) : fromEnvironment(environment);
    if (password == null) {
      return null;
    }
    try {
      if (spec.startsWith("ffmpeg:")) {
        return new FfmpegSource("ffmpeg", spec.substring("ffmpeg:".length()), quality, password);
      }
      if (spec.startsWith("http://") || spec.startsWith("https://")) {
        return new MjpegRelaySource(spec, maxFrameSize, password);
      }
      throw new CommandFailure(
          "a source password is for http://, https:// and ffmpeg: sources only, not this one");
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  /** Whether a URL in {@code spec} names a user and no password. */
  static boolean namesUserOnly(String spec) {
    return USER_ONLY.matcher(spec).find();
  }

  private static char[] fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommandFailure(
          "cannot read the source password file " + file + ": " + e.getMessage(), e);
    }
    int end = text.indexOf('\n');
    String line = (end < 0 ? text : text.substring(0, end)).strip();
    if (line.isEmpty()) {
      throw new CommandFailure("the source password file " + file + " is empty");
    }
    return line.toCharArray();
  }

  private static char[] fromEnvironment(Map<String, String> environment) {
    String value = environment.get(ENVIRONMENT);
    return value == null || value.isEmpty() ? null : value.toCharArray();
  }
}
