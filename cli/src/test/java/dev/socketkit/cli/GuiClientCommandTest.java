package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The {@code gui-client} command's failures. The window itself is tested end to end under Xvfb in
 * module gui ({@code OnOffWindowTest}); here the command runs in a child JVM whenever AWT is
 * involved, so that this JVM's own display (or lack of one) does not matter.
 */
@Timeout(60)
class GuiClientCommandTest {
  private record Result(int exitCode, String stdout, String stderr) {}

  /** Runs {@code socketkit ARGS} in a child JVM with the given environment changes. */
  private static Result runInChildJvm(
      Map<String, String> env, List<String> jvmFlags, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("DISPLAY");
    builder.environment().remove("WAYLAND_DISPLAY");
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean exited = false;
    try {
      process.getOutputStream().close();
      // The outputs are one sentence at most; reading them whole after exit cannot fill a pipe.
      exited = process.waitFor(50, TimeUnit.SECONDS);
    } finally {
      if (!exited) {
        process.destroyForcibly(); // do not leave a stuck child JVM behind the failed test
      }
    }
    assertThat(exited).as("the command exits").isTrue();
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void withoutADisplaySaysSoInOneSentenceAndExitsNonZero() throws Exception {
    Result result = runInChildJvm(Map.of(), List.of(), "gui-client");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr())
        .isEqualTo(
            "socketkit gui-client: there is no display to open the window on (set DISPLAY, or run"
                + " it under xvfb-run)\n");
  }

  @Test
  void whenForcedHeadlessSaysTheSame() throws Exception {
    Result result =
        runInChildJvm(Map.of("DISPLAY", ":0"), List.of("-Djava.awt.headless=true"), "gui-client");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).startsWith("socketkit gui-client: there is no display");
  }

  @Test
  void whenDisplayNamesNoXServerSaysSoWithoutAStackTrace() throws Exception {
    int number = 4000;
    while (Files.exists(Paths.get("/tmp/.X11-unix/X" + number))) {
      number++;
    }
    Result result = runInChildJvm(Map.of("DISPLAY", ":" + number), List.of(), "gui-client");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .startsWith("socketkit gui-client: cannot open the window: ")
        .contains(":" + number)
        .doesNotContain("Exception", "\tat ")
        .hasLineCount(1);
  }

  @Test
  void rejectsAPortOutsideTheTcpRange() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertThat(commandLine.execute("gui-client", "--port", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--port: 0 (expected: 1 to 65535, the echo server's port)");
  }

  @Test
  void namesAHostThatDoesNotResolve() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertThat(commandLine.execute("gui-client", "--host", "no-such-host.invalid")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("socketkit gui-client: unknown host: no-such-host.invalid\n");
  }
}
