package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class ToolsTest {
  @TempDir Path bin;

  private Path program(String name) throws IOException {
    return Files.createFile(
        bin.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  @Test
  void findsAProgramOnThePath() throws IOException {
    Path tool = program("frobnicate");
    assertThat(Tools.require("frobnicate", Map.of("PATH", "/nonexistent:" + bin))).isEqualTo(tool);
  }

  @Test
  void skipsNamingTheProgramWhenItIsMissingOutsideCi() {
    assertThatThrownBy(() -> Tools.require("frobnicate", Map.of("PATH", bin.toString())))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("frobnicate is not installed");
    assertThatThrownBy(
            () -> Tools.require("frobnicate", Map.of("PATH", bin.toString(), "CI", "false")))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void failsNamingTheProgramWhenItIsMissingOnCi() {
    assertThatThrownBy(
            () -> Tools.require("frobnicate", Map.of("PATH", bin.toString(), "CI", "true")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("frobnicate is not installed");
  }

  @Test
  void aFileThatIsNotExecutableDoesNotCount() throws IOException {
    Files.createFile(bin.resolve("frobnicate"));
    assertThatThrownBy(
            () -> Tools.require("frobnicate", Map.of("PATH", bin.toString(), "CI", "true")))
        .isInstanceOf(AssertionError.class);
  }
}
