package dev.socketkit.camera.internal.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EventHookTest {
  @TempDir Path dir;

  @Test
  void splitsACommandLineIntoWordsWithoutAShell() {
    assertThat(EventHook.split("notify-send  'Motion at door' \"a \\\"b\\\"\" x\\ y $HOME;rm"))
        .containsExactly("notify-send", "Motion at door", "a \"b\"", "x y", "$HOME;rm");
    assertThat(EventHook.split("''")).containsExactly("");
    assertThatThrownBy(() -> EventHook.split("echo 'open"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command has an unclosed ' quote: echo 'open");
    assertThatThrownBy(() -> EventHook.split("echo a\\"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command ends with a backslash that escapes nothing: echo a\\");
  }

  @Test
  void runsTheProgramWithTheEventInItsEnvironment() throws Exception {
    Path out = dir.resolve("out.txt");
    EventHook hook =
        new EventHook(
            List.of(
                "/bin/sh",
                "-c",
                "printf %s \"$SOCKETKIT_EVENT_ID\" > \"$1\"",
                "hook",
                out.toString()),
            Duration.ofSeconds(20));
    assertThat(hook.run(Map.of("SOCKETKIT_EVENT_ID", "20261127T222300.000Z"))).isZero();
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("20261127T222300.000Z");
  }

  @Test
  void aFailingMissingOrHangingProgramIsLoggedAndNeverThrows() {
    assertThat(
            new EventHook(List.of("/bin/sh", "-c", "exit 3"), Duration.ofSeconds(20)).run(Map.of()))
        .isEqualTo(3);
    assertThat(
            new EventHook(List.of(dir.resolve("missing").toString()), Duration.ofSeconds(5))
                .run(Map.of()))
        .isEqualTo(-1);
    assertThat(new EventHook(List.of("sleep", "30"), Duration.ofMillis(200)).run(Map.of()))
        .isEqualTo(-1);
  }
}
