package dev.socketkit.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Feeds arbitrary request paths to {@link StaticFiles#translate}: whatever it returns is inside the
 * root, also after resolving symbolic links. The root holds a link to a directory outside it.
 */
class StaticFilesFuzzTest {
  private static final Path ROOT = makeTree();

  private static Path makeTree() {
    try {
      // Under target/ (Maven runs tests in the module directory), so that mvn clean removes it.
      Path temp = Path.of("target", "static-files-fuzz").toAbsolutePath();
      if (Files.exists(temp)) {
        try (Stream<Path> old = Files.walk(temp)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(temp);
      Path root = Files.createDirectories(temp.resolve("root"));
      Path outside = Files.createDirectories(temp.resolve("outside"));
      Files.writeString(outside.resolve("secret"), "secret");
      Files.createDirectories(root.resolve("dir"));
      Files.writeString(root.resolve("dir/file"), "file");
      Files.createSymbolicLink(root.resolve("out"), outside);
      Files.createSymbolicLink(root.resolve("dir/up"), temp);
      return root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void translatedPathsNeverLeaveTheRoot(byte[] data) throws IOException {
    String requestPath = new String(data, StandardCharsets.ISO_8859_1);
    Path path = StaticFiles.translate(ROOT, requestPath);
    if (path == null) {
      return;
    }
    // Path.startsWith, not AssertJ's, which resolves the (maybe missing) file first.
    assertThat(path.normalize().startsWith(ROOT)).as("%s inside %s", path, ROOT).isTrue();
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Files.exists(path)) {
      assertThat(path.toRealPath().startsWith(ROOT)).as("%s inside %s", path, ROOT).isTrue();
    }
  }
}
