package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QueuesCommandTest {
  private static String run(String... args) {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    assertThat(commandLine.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void printsTheLecturesItemsInFifoLifoAndPriorityOrder() {
    assertThat(run("queues"))
        .isEqualTo(
            """
            FIFO:     Hello World Python Korea
            LIFO:     Korea Python World Hello
            priority: Hello Korea Python World
            """);
  }

  @Test
  void queuesTheItemsGivenOnTheCommandLine() {
    assertThat(run("queues", "c", "a", "b"))
        .contains("FIFO:     c a b", "LIFO:     b a c", "priority: a b c");
  }

  @Test
  void everyCommandHasHelpAndTheTopLevelListsThem() {
    String help = run("--help");
    assertThat(help).contains("queues");
    for (String name : Main.commandLine().getSubcommands().keySet()) {
      assertThat(run(name, "--help")).as(name).contains("Usage: socketkit " + name);
    }
  }

  @Test
  void versionNamesTheProject() {
    assertThat(run("--version")).startsWith("socketkit ");
  }
}
