package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** echo-server's socketserver modes (sections 7 and 8) and echo-client --unix, end to end. */
// SEPARATE_THREAD: a test blocked reading a child's stdout is not interruptible, so only running
// it in another thread makes the timeout end it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketServerModesTest {
  @TempDir Path dir;

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

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Starts a server and returns it with its one {@code listening on ...} line. */
  private record Server(Process process, String listening) {
    String port() {
      return listening.substring(listening.lastIndexOf(':') + 1);
    }
  }

  private static Server server(String... args) throws IOException {
    Process process = socketkit(args);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      throw new AssertionError("the server exited: " + readAll(process.getErrorStream()));
    }
    return new Server(process, line);
  }

  private static void stop(Process process) throws InterruptedException {
    process.toHandle().destroy(); // SIGTERM
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the server did not stop on SIGTERM");
    }
  }

  /** Runs echo-client in its own JVM with {@code stdin}; returns its stdout after exit 0. */
  private static String client(String stdin, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("echo-client"));
    all.addAll(List.of(args));
    Process client = socketkit(all.toArray(String[]::new));
    try (OutputStream in = client.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = readAll(client.getInputStream());
    assertThat(readAll(client.getErrorStream())).isEmpty();
    assertThat(client.exitValue()).isZero();
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "threading-tcp"})
  void theStreamModesEchoEveryLineOverTcp(String mode) throws Exception {
    Server server = server("echo-server", "--mode", mode, "--port", "0", "--verbose");
    try {
      assertThat(server.listening()).matches("listening on 127\\.0\\.0\\.1:\\d+");
      assertThat(client("one\ntwo\n", "--port", server.port())).isEqualTo("one\ntwo\n");
    } finally {
      stop(server.process());
    }
    assertThat(readAll(server.process().getInputStream()))
        .contains("received from 127.0.0.1:")
        .contains(": one");
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "threading-udp"})
  void theDatagramModesEchoEveryLineToEchoClientUdp(String mode) throws Exception {
    Server server = server("echo-server", "--mode", mode, "--port", "0");
    try {
      // Each datagram is handled on its own thread in threading-udp: replies may come in any order.
      assertThat(client("one\ntwo\n", "--udp", "--port", server.port()).split("\n"))
          .containsExactlyInAnyOrder("one", "two");
    } finally {
      stop(server.process());
    }
  }

  @Test
  void aDatagramLargerThanMaxPacketSizeIsReportedOnStderrAndNotEchoed() throws Exception {
    Server server = server("echo-server", "--mode", "udp", "--port", "0");
    try (java.nio.channels.DatagramChannel client = java.nio.channels.DatagramChannel.open()) {
      client.connect(
          new java.net.InetSocketAddress(
              java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(server.port())));
      client.write(java.nio.ByteBuffer.wrap(new byte[9000]));
      // The next, small datagram is echoed: the server went on serving.
      assertThat(client("small\n", "--udp", "--port", server.port())).isEqualTo("small\n");
    } finally {
      stop(server.process());
    }
    assertThat(readAll(server.process().getErrorStream()))
        .contains("refused: datagram of 9000 bytes is larger than maxPacketSize 8192 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "threading-tcp"})
  void theStreamModesServeAUnixSocketAndRemoveItOnExit(String mode) throws Exception {
    Path socket = dir.resolve("echo.sock");
    Server server = server("echo-server", "--mode", mode, "--unix", socket.toString());
    try {
      assertThat(server.listening()).isEqualTo("listening on unix:" + socket);
      assertThat(client("over unix\n", "--unix", socket.toString())).isEqualTo("over unix\n");
    } finally {
      stop(server.process());
    }
    assertThat(Files.exists(socket)).as("the socket file is removed on exit").isFalse();
  }

  @Test
  void aPoolOfThreadsServesThreadingTcp() throws Exception {
    Server server =
        server("echo-server", "--mode", "threading-tcp", "--threads", "3", "--port", "0");
    try {
      assertThat(client("pooled\n", "--port", server.port())).isEqualTo("pooled\n");
    } finally {
      stop(server.process());
    }
  }

  @Test
  void threadingTcpClosesAConnectionOverMaxConnectionsAndWarns() throws Exception {
    Server server =
        server("echo-server", "--mode", "threading-tcp", "--max-connections", "1", "--port", "0");
    java.net.InetSocketAddress address =
        new java.net.InetSocketAddress(
            java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(server.port()));
    try (java.net.Socket held = new java.net.Socket(address.getAddress(), address.getPort());
        java.net.Socket over = new java.net.Socket(address.getAddress(), address.getPort())) {
      held.setSoTimeout(20_000);
      over.setSoTimeout(20_000);
      held.getOutputStream().write("held\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(held.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
          .isEqualTo("held\n");
      int read;
      try {
        read = over.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      assertThat(read).as("the connection over the cap is closed").isEqualTo(-1);
    } finally {
      stop(server.process());
    }
    assertThat(readAll(server.process().getErrorStream()))
        .contains("refused 1 connection(s) over the cap of 1 open at once");
  }

  @Test
  void maxConnectionsOutsideThreadingTcpIsOneSentence() {
    List<String> result =
        run("echo-server", "--mode", "select", "--max-connections", "5", "--port", "0");
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .startsWith("socketkit echo-server: --max-connections applies to --mode threading-tcp");
  }

  /** Runs a command in this JVM; returns {exit code, stdout, stderr}. */
  private static List<String> run(String... args) {
    CommandLine commandLine = Main.commandLine();
    CommandLine client = commandLine.getSubcommands().get("echo-client");
    ((EchoClientCommand) client.getCommand()).input = new ByteArrayInputStream(new byte[0]);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return List.of(String.valueOf(code), out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"udp", "threading-udp"})
  void aDatagramModeOnAUnixSocketIsOneSentenceAboutTheJdk(String mode) {
    List<String> result =
        run("echo-server", "--mode", mode, "--unix", dir.resolve("d.sock").toString());
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(1)).isEmpty();
    assertThat(result.get(2))
        .isEqualTo(
            "socketkit echo-server: the JDK has no Unix-domain datagram sockets (DatagramChannel"
                + " supports only IPv4 and IPv6), so the udp and threading-udp modes cannot serve a"
                + " Unix socket"
                + System.lineSeparator());
    assertThat(Files.exists(dir.resolve("d.sock"))).isFalse();
  }

  @Test
  void virtualThreadsOnJdk17AreOneSentenceAndExitCodeOne() {
    assumeThat(Runtime.version().feature()).as("this JDK has virtual threads").isLessThan(21);
    List<String> result =
        run("echo-server", "--mode", "threading-tcp", "--threads", "virtual", "--port", "0");
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .isEqualTo(
            "socketkit echo-server: --threads virtual needs JDK 21 or newer, and this is JDK "
                + Runtime.version().feature()
                + "; use --threads platform or a pool size"
                + System.lineSeparator());
  }

  @Test
  void virtualThreadsServeThreadingTcpWhereTheJdkHasThem() throws Exception {
    assumeThat(Runtime.version().feature())
        .as("this JDK has virtual threads")
        .isGreaterThanOrEqualTo(21);
    Server server =
        server("echo-server", "--mode", "threading-tcp", "--threads", "virtual", "--port", "0");
    try {
      assertThat(client("virtual\n", "--port", server.port())).isEqualTo("virtual\n");
    } finally {
      stop(server.process());
    }
  }

  @Test
  void threadsForANonThreadingModeIsRefused() {
    List<String> result = run("echo-server", "--mode", "tcp", "--threads", "platform");
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .contains("--threads applies to --mode threading-tcp and threading-udp, not tcp");
  }

  @Test
  void aBadThreadsValueIsRefusedNamingTheChoices() {
    List<String> result = run("echo-server", "--mode", "threading-tcp", "--threads", "lots");
    assertThat(result.get(0)).isEqualTo("2");
    assertThat(result.get(2))
        .contains("bad --threads 'lots' (expected virtual, platform or a pool size >= 1)");
  }

  @Test
  void unixWithASelectModeIsRefused() {
    List<String> result =
        run("echo-server", "--mode", "select", "--unix", dir.resolve("s.sock").toString());
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .contains(
            "--unix works with --mode tcp and threading-tcp; the select server listens on TCP");
  }

  @Test
  void anExistingFileAtTheUnixPathIsOneSentence() throws IOException {
    Path taken = Files.writeString(dir.resolve("taken"), "x");
    List<String> result = run("echo-server", "--mode", "tcp", "--unix", taken.toString());
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .startsWith("socketkit echo-server: cannot listen on unix:" + taken)
        .contains("remove it if no server uses it");
    assertThat(Files.readString(taken)).isEqualTo("x");
  }

  @Test
  void echoClientUdpWithUnixIsRefused() {
    List<String> result = run("echo-client", "--udp", "--unix", dir.resolve("x.sock").toString());
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .isEqualTo(
            "socketkit echo-client: --udp cannot be used with --unix: the JDK has no Unix-domain"
                + " datagram sockets"
                + System.lineSeparator());
  }

  @Test
  void echoClientToAUnixPathWithNoServerIsOneSentence() {
    Path missing = dir.resolve("nobody.sock");
    List<String> result = run("echo-client", "--unix", missing.toString());
    assertThat(result.get(0)).isEqualTo("1");
    assertThat(result.get(2))
        .startsWith("socketkit echo-client: cannot reach an echo server at unix:" + missing + ": ");
  }
}
