package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(30)
class BenchCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A one-thread-per-connection echo server on loopback, for the command to drive. */
  private static ServerSocket echoServer() throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!listener.isClosed()) {
                try {
                  Socket socket = listener.accept();
                  Thread worker = new Thread(() -> echo(socket));
                  worker.setDaemon(true);
                  worker.start();
                } catch (IOException e) {
                  return; // closed
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    return listener;
  }

  private static void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // the load generator closed the connection: the normal end
    }
  }

  @Test
  void benchEchoPrintsRoundTripsLatencyErrorsAndCpu() throws Exception {
    try (ServerSocket server = echoServer()) {
      Result result =
          run(
              "bench",
              "echo",
              "--port",
              String.valueOf(server.getLocalPort()),
              "--connections",
              "4",
              "--size",
              "100",
              "--duration",
              "0.3",
              "--warmup",
              "0",
              "--pipeline",
              "2");

      assertThat(result.code()).as(result.err()).isZero();
      assertThat(result.out())
          .contains(
              "4 connections, 100-byte messages, pipeline 2",
              "round trips/s: ",
              "latency ms: p50 ",
              "errors: 0 (connect 0, closed 0, corrupt 0); open at the end: 4 of 4",
              "cpu: load generator ");
    }
  }

  @Test
  void everyBenchChecksItsCountedWindowTheSameWay() {
    for (String bench : new String[] {"echo", "mjpeg", "mp4"}) {
      Result result = run("bench", bench, "--duration", "-1");
      assertThat(result.code()).as(bench).isNotZero();
      assertThat(result.err()).as(bench).contains("--duration: -1.0 (expected: 0 to 86400 s)");
    }
  }

  @Test
  void benchEchoFailsInOneSentenceWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Result result = run("bench", "echo", "--port", String.valueOf(port), "--connections", "2");

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("cannot connect to 127.0.0.1:" + port).hasLineCount(1);
  }

  @Test
  void benchRejectsBadOptionsWithAReadableSentence() {
    Result size = run("bench", "echo", "--size", "0");
    assertThat(size.code()).isEqualTo(1);
    assertThat(size.err()).contains("bad option: size: 0");

    Result url = run("bench", "mjpeg", "ftp://127.0.0.1/x");
    assertThat(url.code()).isEqualTo(1);
    assertThat(url.err()).contains("expected: http://");

    Result mp4 = run("bench", "mp4", "https://127.0.0.1/stream.mp4");
    assertThat(mp4.code()).isEqualTo(1);
    assertThat(mp4.err()).contains("bad option: url: ", "expected: http://");
  }

  @Test
  void benchWithoutAGeneratorAsksForOne() {
    Result result = run("bench");
    assertThat(result.code()).isNotZero();
    assertThat(result.err()).contains("echo, mjpeg or mp4");
    assertThat(run("bench", "mjpeg", "--help").out()).contains("--viewers", "--server-pid");
    assertThat(run("bench", "mp4", "--help").out())
        .contains("--viewers", "--duration", "--warmup", "--max-connecting", "--server-pid");
  }
}
