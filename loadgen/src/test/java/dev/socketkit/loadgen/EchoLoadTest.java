package dev.socketkit.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.RefusingPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoLoadTest {
  private static EchoOptions options(
      InetSocketAddress address, int connections, int size, int pipeline) {
    return new EchoOptions(
        address,
        connections,
        size,
        pipeline,
        Duration.ofMillis(500),
        Duration.ofMillis(100),
        0,
        false);
  }

  @Test
  void countsRoundTripsThatComeBackWholeOnEveryConnection() throws Exception {
    try (TestEchoServer server = TestEchoServer.faithful()) {
      EchoReport report = EchoLoad.run(options(server.address(), 10, 64, 1));

      assertThat(report.errors()).isZero();
      assertThat(report.openAtEnd()).isEqualTo(10);
      assertThat(report.roundTrips()).isPositive();
      assertThat(report.roundTripsPerSecond()).isPositive();
      assertThat(report.p50Micros()).isPositive().isLessThanOrEqualTo(report.p99Micros());
      assertThat(report.p99Micros()).isLessThanOrEqualTo(report.maxMicros());
      assertThat(report.seconds()).isGreaterThanOrEqualTo(0.5);
      assertThat(report.format())
          .contains("10 connections, 64-byte messages", "round trips/s: ", "errors: 0 ");
    }
  }

  @Test
  void checksLargeMessagesThatArriveInManyReads() throws Exception {
    try (TestEchoServer server = TestEchoServer.faithful()) {
      EchoReport report = EchoLoad.run(options(server.address(), 4, 100_000, 1));

      assertThat(report.errors()).isZero();
      assertThat(report.roundTrips()).isPositive();
    }
  }

  @Test
  void keepsPipelineMessagesInFlightBeforeWaitingForAnEcho() throws Exception {
    // This server answers nothing until it holds four whole messages: only a pipelining client
    // gets any round trip at all.
    try (TestEchoServer server = TestEchoServer.holdingFirstEchoUntil(4 * 512)) {
      EchoReport report = EchoLoad.run(options(server.address(), 3, 512, 4));

      assertThat(report.errors()).isZero();
      assertThat(report.roundTrips()).isPositive();
    }
  }

  @Test
  void countsAPeerThatCorruptsAByteAsAnErrorAndClosesThatConnection() throws Exception {
    try (TestEchoServer server = TestEchoServer.corruptingByte(1000)) {
      EchoReport report = EchoLoad.run(options(server.address(), 5, 64, 1));

      assertThat(report.corruptErrors()).isEqualTo(5);
      assertThat(report.closedErrors()).isZero();
      assertThat(report.openAtEnd()).isZero();
      assertThat(report.format()).contains("errors: 5 (connect 0, closed 0, corrupt 5)");
    }
  }

  @Test
  void countsAConnectionTheServerClosesAsAnError() throws Exception {
    try (TestEchoServer server = TestEchoServer.closingAfter(640)) {
      EchoReport report = EchoLoad.run(options(server.address(), 3, 64, 1));

      assertThat(report.closedErrors()).isEqualTo(3);
      assertThat(report.corruptErrors()).isZero();
    }
  }

  @Test
  void countsRefusedConnectionsAndReturnsWithoutWaitingOutTheWindow() throws Exception {
    try (RefusingPort refusing = RefusingPort.open()) {
      InetSocketAddress closed = refusing.address();
      EchoReport report =
          EchoLoad.run(
              new EchoOptions(
                  closed, 3, 64, 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0, false));

      assertThat(report.connectErrors()).isEqualTo(3);
      assertThat(report.roundTrips()).isZero();
    }
  }

  @Test
  void reportsTheServersCpuWhenGivenItsPid() throws Exception {
    try (TestEchoServer server = TestEchoServer.faithful()) {
      EchoReport report =
          EchoLoad.run(
              new EchoOptions(
                  server.address(),
                  2,
                  64,
                  1,
                  Duration.ofMillis(300),
                  Duration.ZERO,
                  ProcessHandle.current().pid(),
                  false));

      assertThat(report.serverCpu()).isPositive();
      assertThat(report.generatorCpu()).isPositive();
      assertThat(report.format()).contains("% of one core; server ").doesNotContain("not measured");
    }
  }

  @Test
  void sendsNewlineTerminatedMessagesToALineEchoServer() throws Exception {
    try (TestEchoServer server = TestEchoServer.lineByLine()) {
      EchoReport report =
          EchoLoad.run(
              new EchoOptions(
                  server.address(), 3, 300, 2, Duration.ofMillis(300), Duration.ZERO, 0, true));

      assertThat(report.errors()).isZero();
      assertThat(report.roundTrips()).isPositive();
      assertThat(report.format()).contains("300-byte messages (lines)");
    }
  }

  @Test
  void rejectsOptionsThatCannotBeRun() {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    assertThatThrownBy(
            () ->
                new EchoOptions(address, 0, 64, 1, Duration.ofSeconds(1), Duration.ZERO, 0, false))
        .hasMessageContaining("connections: 0");
    assertThatThrownBy(
            () -> new EchoOptions(address, 1, 0, 1, Duration.ofSeconds(1), Duration.ZERO, 0, false))
        .hasMessageContaining("size: 0");
    assertThatThrownBy(
            () -> new EchoOptions(address, 1, 64, 1, Duration.ZERO, Duration.ZERO, 0, false))
        .hasMessageContaining("duration");
  }

  @Test
  void eachLatencySampleIsThatMessagesRoundTripIncludingTheServersDelay() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket socket = listener.accept()) {
                  InputStream in = socket.getInputStream();
                  OutputStream out = socket.getOutputStream();
                  while (true) {
                    byte[] message = in.readNBytes(64);
                    if (message.length < 64) {
                      break;
                    }
                    TimeUnit.MILLISECONDS.sleep(30); // the server's think time, measured below
                    out.write(message);
                  }
                } catch (IOException | InterruptedException ignored) {
                  // The driver closed the connection at the end of its run.
                }
              });
      server.setDaemon(true);
      server.start();
      EchoReport report =
          EchoLoad.run(
              new EchoOptions(
                  (InetSocketAddress) listener.getLocalSocketAddress(),
                  1,
                  64,
                  1,
                  Duration.ofMillis(600),
                  Duration.ZERO,
                  0,
                  false));
      assertThat(report.errors()).isZero();
      assertThat(report.roundTrips()).isPositive();
      assertThat(report.p50Micros()).isGreaterThanOrEqualTo(30_000);
      server.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
