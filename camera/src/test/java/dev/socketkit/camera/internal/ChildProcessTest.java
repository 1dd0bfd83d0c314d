package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ChildProcessTest {
  private static ChildProcess sh(String script) throws Exception {
    return ChildProcess.start(
        List.of("sh", "-c", script), Map.of(), ProcessBuilder.Redirect.PIPE, null);
  }

  private static String firstLine(ChildProcess child) throws Exception {
    return new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Test
  void aChildIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    ChildProcess child = sh("trap '' TERM; echo ready; while true; do sleep 1; done");
    try {
      assertThat(firstLine(child)).as("the child ignores SIGTERM from now on").isEqualTo("ready");
      child.stop(Duration.ofMillis(200));
      assertThat(child.isAlive()).isFalse();
      assertThat(child.exitCode()).as("killed by SIGKILL").isEqualTo(128 + 9);
    } finally {
      child.kill();
    }
  }

  @Test
  void stoppingKillsAGrandchildThatOutlivesItsParent() throws Exception {
    // sh ends on SIGTERM at once, leaving sleep (which ignores nothing but never got the signal)
    // to init: only the process tree listed before the SIGTERM still finds it.
    ChildProcess child = sh("sleep 300 & echo $!; wait");
    long grandchild = Long.parseLong(firstLine(child));
    Optional<ProcessHandle> handle = ProcessHandle.of(grandchild);
    assertThat(handle).isPresent();
    try {
      child.stop(Duration.ofSeconds(5));
      assertThat(child.isAlive()).isFalse();
      assertThat(handle.get().onExit().get().isAlive()).isFalse();
    } finally {
      handle.get().destroyForcibly();
    }
  }

  @Test
  void theStderrTailKeepsTheLastLinesEachCutShort() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    ChildProcess child =
        ChildProcess.start(
            List.of(
                "sh",
                "-c",
                "i=0; while [ $i -lt 20 ]; do echo line $i >&2; i=$((i+1)); done;"
                    + " head -c 1000000 /dev/zero | tr '\\000' x >&2; echo >&2; echo >&2;"
                    + " echo '  last  ' >&2"),
            Map.of(),
            ProcessBuilder.Redirect.PIPE,
            seen::add);
    assertThat(child.waitForExit()).isZero();
    String[] tail = child.stderrTail().split(" \\| ");
    assertThat(tail).hasSize(ChildProcess.TAIL_LINES);
    assertThat(tail[0]).isEqualTo("line 17");
    assertThat(tail[3]).hasSize(ChildProcess.MAX_LINE_CHARS + 3).endsWith("x...");
    assertThat(tail[4]).isEqualTo("last");
    assertThat(seen).as("blank lines are skipped").hasSize(22);
    child.stop(Duration.ofSeconds(1));
  }

  @Test
  void aWaitThatTimesOutLeavesTheChildRunningUntilStopped() throws Exception {
    ChildProcess child = sh("exec sleep 30");
    assertThat(child.waitFor(Duration.ofMillis(200))).isFalse();
    assertThat(child.isAlive()).isTrue();
    child.stop(Duration.ofSeconds(5));
    assertThat(child.isAlive()).isFalse();
  }

  @Test
  void theChildGetsTheEnvironmentAddedAndAnEmptyStdin() throws Exception {
    ChildProcess child =
        ChildProcess.start(
            List.of("sh", "-c", "cat; printf '%s\\n' \"$SOCKETKIT_TEST\""),
            Map.of("SOCKETKIT_TEST", "value"),
            ProcessBuilder.Redirect.PIPE,
            null);
    assertThat(firstLine(child)).isEqualTo("value");
    assertThat(child.waitForExit()).isZero();
    child.stop(Duration.ofSeconds(1));
  }

  @Test
  void anInterruptedCallerStillStopsTheChildAndKeepsItsInterrupt() throws Exception {
    ChildProcess child = sh("trap '' TERM; echo ready; while true; do sleep 1; done");
    try {
      assertThat(firstLine(child)).isEqualTo("ready");
      Thread.currentThread().interrupt();
      child.stop(Duration.ofMinutes(1)); // an interrupted caller waits half a second at most
      assertThat(Thread.interrupted()).as("the interrupt flag is restored").isTrue();
      assertThat(child.isAlive()).isFalse();
    } finally {
      child.kill();
    }
  }

  @Test
  void theCamerasSecretsStayOutOfAChildsEnvironment() throws Exception {
    Map<String, String> parent =
        Map.of(
            "PATH", System.getenv("PATH"),
            "HOME", "/home/camera",
            "TZ", "Europe/Berlin",
            "SOCKETKIT_TLS_PASSWORD", "tls-secret",
            "SOCKETKIT_SOURCE_PASSWORD", "source-secret",
            "socketkit_lower", "lower-secret");
    ChildProcess child =
        ChildProcess.start(
            List.of("env"),
            parent,
            Map.of("SOCKETKIT_EVENT_ID", "e1"),
            ProcessBuilder.Redirect.PIPE,
            null);
    try {
      List<String> lines =
          new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8))
              .lines()
              .toList();
      assertThat(child.waitFor(Duration.ofSeconds(10))).isTrue();
      assertThat(String.join("\n", lines)).doesNotContain("secret");
      assertThat(lines)
          .contains("HOME=/home/camera", "TZ=Europe/Berlin", "SOCKETKIT_EVENT_ID=e1")
          .noneMatch(line -> line.startsWith("SOCKETKIT_TLS_PASSWORD="));
    } finally {
      child.stop(Duration.ofSeconds(1));
    }
  }
}
