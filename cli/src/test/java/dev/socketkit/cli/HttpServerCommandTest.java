package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code socketkit http-server} as a real process, driven by clients nobody here wrote: curl,
 * Python's {@code http.client} and headless Chromium. A client that is not installed skips its
 * test, or fails it on CI, which installs them all ({@code Tools.require}).
 */
@Timeout(180)
class HttpServerCommandTest {
  @TempDir static Path temp;
  private static Path root;
  private static Process server;
  private static String base;

  @BeforeAll
  static void startTheProgram() throws Exception {
    root = Files.createDirectories(temp.resolve("root"));
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.writeString(root.resolve("hello.txt"), "hello, world\n");
    Files.writeString(root.resolve("a&b.txt"), "odd name\n");
    Path site = Files.createDirectories(root.resolve("site"));
    Files.writeString(
        site.resolve("index.html"),
        """
        <!DOCTYPE html>
        <html><head><title>socketkit page</title><link rel="stylesheet" href="style.css"></head>
        <body><h1>Hello from socketkit</h1>
        <script>document.body.insertAdjacentHTML('beforeend', '<p id="js">script ran</p>');</script>
        </body></html>
        """);
    Files.writeString(site.resolve("style.css"), "h1 { color: teal; }\n");

    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null) {
      classpath = System.getProperty("java.class.path");
    }
    server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "dev.socketkit.cli.Main",
                "http-server",
                "--dir",
                root.toString(),
                "--port",
                "0")
            .redirectError(temp.resolve("server.log").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // blocks until the server announces itself (or dies)
    assertThat(line).as(log()).startsWith("listening on 127.0.0.1:");
    base = "http://" + line.substring("listening on ".length());
  }

  @AfterAll
  static void stopTheProgram() throws Exception {
    if (server != null) {
      server.destroy(); // SIGTERM: the shutdown hook closes the server
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  private static String log() {
    try {
      return Files.readString(temp.resolve("server.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Runs a client to completion and returns its standard output; it must exit with 0. */
  private static String run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finishes", command).isTrue();
    assertThat(process.exitValue()).as("%s exit code; output %s", command, output).isZero();
    return output;
  }

  private static String curlStatus(String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    command.addAll(List.of(extra));
    command.addAll(List.of("-o", "/dev/null", "-w", "%{http_code}"));
    return run(command);
  }

  @Test
  void curlGetsAFileWithTypeLengthAndDate() throws Exception {
    Tools.require("curl");
    String response = run(List.of("curl", "-sS", "-i", "--max-time", "30", base + "/hello.txt"));
    assertThat(response)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("Content-type: text/plain\r\n", "Content-Length: 13\r\n", "Last-Modified: ")
        .endsWith("\r\n\r\nhello, world\n");
  }

  @Test
  void curlHeadHasTheLengthAndNoBody() throws Exception {
    Tools.require("curl");
    String response = run(List.of("curl", "-sS", "-I", "--max-time", "30", base + "/hello.txt"));
    assertThat(response)
        .startsWith("HTTP/1.1 200 OK")
        .contains("Content-Length: 13")
        .endsWith("\r\n\r\n");
  }

  @Test
  void curlReusesTheConnectionForTwoRequests() throws Exception {
    Tools.require("curl");
    String connects =
        run(
            List.of(
                "curl",
                "-sS",
                "--max-time",
                "30",
                "-o",
                "/dev/null",
                "-o",
                "/dev/null",
                "-w",
                "%{num_connects};",
                base + "/hello.txt",
                base + "/a%26b.txt"));
    assertThat(connects).isEqualTo("1;0;");
  }

  @Test
  void curlGets304ForAnUnchangedFile() throws Exception {
    Tools.require("curl");
    String head = run(List.of("curl", "-sS", "-I", "--max-time", "30", base + "/hello.txt"));
    String lastModified =
        head.lines().filter(l -> l.startsWith("Last-Modified: ")).findFirst().orElseThrow();
    assertThat(
            curlStatus(
                "-H", "If-Modified-Since: " + lastModified.substring(15), base + "/hello.txt"))
        .isEqualTo("304");
  }

  @Test
  void curlCannotLeaveTheDirectory() throws Exception {
    Tools.require("curl");
    assertThat(curlStatus("--path-as-is", base + "/../outside/secret.txt")).isEqualTo("404");
    assertThat(curlStatus("--path-as-is", base + "/%2e%2e/outside/secret.txt")).isEqualTo("404");
    assertThat(curlStatus("--path-as-is", base + "/site/%2E%2E/%2e%2e/outside/secret.txt"))
        .isEqualTo("404");
    assertThat(curlStatus(base + "/escape/secret.txt")).isEqualTo("404");
    assertThat(curlStatus(base + "/hello.txt")).isEqualTo("200");
  }

  @Test
  void pythonHttpClientTalksToItOnOnePersistentConnection() throws Exception {
    Tools.require("python3");
    String script =
        """
        import http.client, sys
        host, port = sys.argv[1].rsplit(':', 1)
        c = http.client.HTTPConnection(host, int(port), timeout=30)
        c.request('GET', '/hello.txt'); r = c.getresponse(); b = r.read()
        print(r.status, r.getheader('Content-Type'), repr(b.decode()))
        sock = c.sock
        c.request('HEAD', '/hello.txt'); r = c.getresponse(); r.read()
        print(r.status, r.getheader('Content-Length'), c.sock is sock)
        c.request('GET', '/'); r = c.getresponse(); page = r.read().decode()
        print(r.status, 'a&amp;b.txt' in page, 'href="a%26b.txt"' in page, c.sock is sock)
        c.request('GET', '/%2e%2e/outside/secret.txt'); r = c.getresponse(); r.read()
        print(r.status)
        c.request('POST', '/hello.txt', body=b'x'); r = c.getresponse(); r.read()
        print(r.status, r.getheader('Connection'))
        """;
    String output = run(List.of("python3", "-c", script, base.substring("http://".length())));
    assertThat(output.lines())
        .containsExactly(
            "200 text/plain 'hello, world\\n'",
            "200 13 True",
            "200 True True True",
            "404",
            "501 close");
  }

  @Test
  void headlessChromiumLoadsThePageAndRunsItsScript() throws Exception {
    String chromium = Tools.require("chromium").toString();
    Path profile = Files.createTempDirectory(temp, "chromium-profile");
    String dom =
        run(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--dump-dom",
                base + "/site/"));
    assertThat(dom)
        .contains("<title>socketkit page</title>")
        .contains("Hello from socketkit")
        .contains("<p id=\"js\">script ran</p>");
    assertThat(log())
        .contains("\"GET /site/ HTTP/1.1\" 200 -", "\"GET /site/style.css HTTP/1.1\" 200 -");
  }

  @Test
  void logsEachRequestInPythonsFormat() throws Exception {
    Tools.require("curl");
    curlStatus(base + "/hello.txt?logged");
    Await.until(
        Duration.ofSeconds(10),
        () -> log().contains("\"GET /hello.txt?logged HTTP/1.1\" 200 -"),
        () -> "the request in the log");
    assertThat(log())
        .containsPattern(
            "127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4} \\d\\d:\\d\\d:\\d\\d\\] \"GET /hello.txt\\?logged HTTP/1.1\" 200 -");
  }

  private static int runInProcess(StringWriter err, String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(new StringWriter()));
    return commandLine.execute(args);
  }

  @Test
  void refusesADirectoryThatDoesNotExistInOneSentence() {
    StringWriter err = new StringWriter();
    assertThat(runInProcess(err, "http-server", "--dir", temp.resolve("nope").toString()))
        .isEqualTo(1);
    assertThat(err.toString().trim())
        .isEqualTo("socketkit http-server: --dir " + temp.resolve("nope") + " is not a directory");
  }

  @Test
  void refusesAPortOutOfRange() {
    StringWriter err = new StringWriter();
    assertThat(runInProcess(err, "http-server", "--port", "70000")).isEqualTo(1);
    assertThat(err.toString()).contains("--port 70000 is not a port");
  }

  @Test
  void saysSoWhenThePortIsTaken() throws Exception {
    StringWriter err = new StringWriter();
    String port = base.substring(base.lastIndexOf(':') + 1);
    assertThat(runInProcess(err, "http-server", "--port", port, "--dir", root.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("cannot listen there");
  }

  @Test
  void listensWithTheBacklogOfARealServerNotPythons() throws Exception {
    try (dev.socketkit.http.HttpServer server =
        HttpServerCommand.open(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
            root,
            false)) {
      assertThat(server.requestQueueSize()).isEqualTo(1024);
      assertThat(dev.socketkit.http.HttpServer.DEFAULT_REQUEST_QUEUE_SIZE)
          .as("the library keeps Python's default")
          .isEqualTo(5);
    }
  }

  @Test
  void quietLeavesOutTheRequestLinesButKeepsTheErrors() throws Exception {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stderr = System.err;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try (dev.socketkit.http.HttpServer server =
        HttpServerCommand.open(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
            root,
            true)) {
      Thread serving = new Thread(server::serveForever, "quiet-server");
      serving.start();
      try (java.net.Socket socket =
          new java.net.Socket(
              java.net.InetAddress.getLoopbackAddress(),
              ((java.net.InetSocketAddress) server.serverAddress()).getPort())) {
        socket.setSoTimeout(10_000);
        // Two requests on one connection, answered in order: the file, then a missing one.
        String requests =
            String.join(
                "\r\n",
                "GET /hello.txt?quiet HTTP/1.1",
                "Host: x",
                "",
                "GET /missing.txt HTTP/1.1",
                "Host: x",
                "Connection: close",
                "",
                "");
        socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
        String responses =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(responses).contains(" 200 OK", "hello, world", " 404 ");
      }
      Await.until(
          Duration.ofSeconds(10),
          () -> captured.toString(StandardCharsets.UTF_8).contains("code 404"),
          () -> "the 404 in the error log, got: " + captured.toString(StandardCharsets.UTF_8));
      assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("/hello.txt?quiet");
      server.shutdown();
      serving.join(10_000);
    } finally {
      System.setErr(stderr);
    }
  }
}
