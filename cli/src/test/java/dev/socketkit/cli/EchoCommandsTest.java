package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.RefusingPort;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

// SEPARATE_THREAD: a test blocked reading a child's stdout is not interruptible, so only running
// it in another thread makes the timeout end it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoCommandsTest {
  /** A {@code socketkit} command in its own JVM, as {@code bin/socketkit} runs it. */
  private static Process socketkit(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  private static String readAll(java.io.InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static int port(String listening) {
    assertThat(listening).matches("listening on 127\\.0\\.0\\.1:\\d+");
    return Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
  }

  private static void stop(Process process) throws InterruptedException {
    process.toHandle().destroy(); // SIGTERM
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the server did not stop on SIGTERM");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"select", "queue", "selectors"})
  void echoClientPrintsEachEchoedLineAndExitsZero(String mode) throws Exception {
    Process server = socketkit("echo-server", "--port", "0", "--mode", mode, "--verbose");
    try {
      BufferedReader serverOut =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      int port = port(serverOut.readLine());

      Process client = socketkit("echo-client", "--port", String.valueOf(port));
      try (OutputStream stdin = client.getOutputStream()) {
        stdin.write("a\nb\n".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(readAll(client.getInputStream())).isEqualTo("a\nb\n");
      assertThat(readAll(client.getErrorStream())).isEmpty();
      assertThat(client.exitValue()).isZero();

      // --verbose: each message with its sender, as the lecture's server prints it.
      String received = serverOut.readLine();
      assertThat(received).matches("received from 127\\.0\\.0\\.1:\\d+: a(\\nb)?");
    } finally {
      stop(server);
    }
  }

  @Test
  void serverStopsCleanlyOnSigterm() throws Exception {
    Process server = socketkit("echo-server", "--port", "0");
    BufferedReader serverOut =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    port(serverOut.readLine());
    server.toHandle().destroy(); // SIGTERM, keeping our ends of its pipes open
    assertThat(server.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(readAll(server.getErrorStream())).isEmpty();
  }

  /** Runs a command in this JVM with the given stdin; returns {exit code, stdout, stderr}. */
  private static List<String> runInProcess(String stdin, String... args) {
    CommandLine commandLine = Main.commandLine();
    CommandLine client = commandLine.getSubcommands().get("echo-client");
    ((EchoClientCommand) client.getCommand()).input =
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return List.of(String.valueOf(code), out.toString(), err.toString());
  }

  @Test
  void aRefusedConnectionIsOneSentenceAndExitCodeOne() throws Exception {
    try (RefusingPort refusing = RefusingPort.open()) {
      int port = refusing.port();
      List<String> result = runInProcess("a\n", "echo-client", "--port", String.valueOf(port));
      assertThat(result.get(0)).isEqualTo("1");
      assertThat(result.get(1)).isEmpty();
      assertThat(result.get(2))
          .isEqualTo(
              "socketkit echo-client: cannot reach an echo server at 127.0.0.1:"
                  + port
                  + ": the connection was refused"
                  + System.lineSeparator());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e300", "86401", "-1", "NaN"})
  void aWaitOutOfRangeIsOneSentenceAndExitCodeOne(String wait) throws Exception {
    List<String> result = runInProcess("a\n", "echo-client", "--port", "7", "--wait", wait);
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(1)).isEmpty();
    assertThat(result.get(2))
        .startsWith("socketkit echo-client: bad --wait ")
        .endsWith(" (expected 0 to 86400 seconds)" + System.lineSeparator());
  }

  @Test
  void overUdpEachLineIsOneDatagramAndEachReplyOneLine() throws Exception {
    try (DatagramChannel echo = DatagramChannel.open()) {
      echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread server =
          new Thread(
              () -> {
                ByteBuffer buffer = ByteBuffer.allocate(2048);
                try {
                  for (int i = 0; i < 2; i++) {
                    buffer.clear();
                    var from = echo.receive(buffer);
                    buffer.flip();
                    echo.send(buffer, from);
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      server.start();
      int port = ((InetSocketAddress) echo.getLocalAddress()).getPort();
      List<String> result =
          runInProcess("hello\nworld\n", "echo-client", "--udp", "--port", String.valueOf(port));
      server.join(10_000);
      assertThat(result.get(0)).isEqualTo("0");
      assertThat(result.get(1))
          .isEqualTo("hello" + System.lineSeparator() + "world" + System.lineSeparator());
    }
  }

  @Test
  void anUnknownModeIsRejectedNamingTheModes() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertThat(commandLine.execute("echo-server", "--mode", "bogus")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "unknown mode 'bogus' (expected one of: select, queue, selectors, tcp,"
                + " threading-tcp, udp, threading-udp)");
  }

  /**
   * Which selector the server waits on, seen from outside: an epoll selector is an {@code
   * anon_inode:[eventpoll]} descriptor of the process (Linux), a poll selector has none.
   */
  @ParameterizedTest
  @CsvSource({"queue,,false", "queue,default,true", "select,,true", "select,poll,false"})
  void selectAndQueueWaitOnTheSelectorAsked(String mode, String selector, boolean epoll)
      throws Exception {
    Path descriptors = Path.of("/proc/self/fd");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(descriptors), "a /proc file system");
    List<String> args = new ArrayList<>(List.of("echo-server", "--port", "0", "--mode", mode));
    if (selector != null) {
      args.addAll(List.of("--selector", selector));
    }
    Process server = socketkit(args.toArray(String[]::new));
    try {
      BufferedReader serverOut =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      int port = port(serverOut.readLine());
      try (SocketChannel client =
          SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer echo = ByteBuffer.allocate(4);
        while (echo.hasRemaining() && client.read(echo) >= 0) {
          // the whole echo, or the end of the stream
        }
        assertThat(new String(echo.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
      }
      boolean hasEpoll;
      try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(server.pid()), "fd"))) {
        hasEpoll = fds.anyMatch(EchoCommandsTest::isEventPoll);
      }
      assertThat(hasEpoll).as("an epoll descriptor in the " + mode + " server").isEqualTo(epoll);
    } finally {
      stop(server);
    }
    assertThat(readAll(server.getErrorStream())).isEmpty();
  }

  private static boolean isEventPoll(Path descriptor) {
    try {
      return Files.readSymbolicLink(descriptor).toString().equals("anon_inode:[eventpoll]");
    } catch (IOException e) {
      return false; // closed while listed
    }
  }

  @Test
  void theSelectorIsRefusedForTheModesWithoutSelectSelect() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err));
    assertThat(commandLine.execute("echo-server", "--mode", "selectors", "--selector", "poll"))
        .isEqualTo(1);
    assertThat(commandLine.execute("echo-server", "--selector", "kqueue")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--selector applies to --mode select and queue, not selectors")
        .contains("Invalid value for option '--selector': 'kqueue' (expected: poll or default)");
  }
}
