package dev.socketkit.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The one policy for tests that need an external program (ffprobe, ffmpeg, chromium, xvfb-run,
 * curl, python3, convert): on CI, where the environment variable {@code CI} is {@code "true"} and
 * the CI script installs every such program, a missing one fails the test; anywhere else the test
 * is skipped (a JUnit assumption) with a message naming the program.
 *
 * <p>Stateless and thread-safe.
 */
public final class Tools {
  private static final Pattern PATH_SEPARATOR = Pattern.compile(Pattern.quote(File.pathSeparator));

  private Tools() {}

  /**
   * The program's path on {@code PATH}; when it is not there, fails the test on CI and skips it
   * elsewhere, either way naming the program.
   *
   * @throws AssertionError when the program is missing and {@code CI=true}
   * @throws org.opentest4j.TestAbortedException when it is missing elsewhere
   */
  public static Path require(String program) {
    return require(program, System.getenv());
  }

  /** As {@link #require(String)}, with the environment given (for the kit's own tests). */
  static Path require(String program, Map<String, String> environment) {
    Optional<Path> found = find(program, environment.get("PATH"));
    if (found.isPresent()) {
      return found.get();
    }
    String message = program + " is not installed (not found on PATH)";
    if ("true".equals(environment.get("CI"))) {
      throw new AssertionError(message + "; CI installs it, so this is a failure there");
    }
    return Assumptions.abort(message + "; skipping a test that needs it");
  }

  /** Whether {@code program} is an executable file in a directory of {@code PATH}. */
  public static boolean installed(String program) {
    return find(program, System.getenv("PATH")).isPresent();
  }

  private static Optional<Path> find(String program, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : PATH_SEPARATOR.split(path, -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
