package dev.socketkit.echo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.echo.SocketServerEcho.Mode;
import dev.socketkit.server.BaseServer;
import dev.socketkit.server.Threading;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class SocketServerEchoTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @TempDir Path dir;

  /** Runs serveForever on its own thread, as the lecture does, and stops it on close. */
  static final class Running implements AutoCloseable {
    final BaseServer<?> server;
    final Thread thread;

    Running(BaseServer<?> server) {
      this.server = server;
      this.thread = new Thread(() -> server.serveForever(java.time.Duration.ofMillis(50)));
      thread.start();
    }

    SocketAddress address() {
      return server.serverAddress();
    }

    @Override
    public void close() {
      server.shutdown();
      server.close();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertThat(thread.isAlive()).isFalse();
    }
  }

  static SocketChannel connect(SocketAddress address) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    channel.connect(address);
    return channel;
  }

  static String lineEcho(SocketChannel channel, String text) throws IOException {
    channel.write(ByteBuffer.wrap((text + "\n").getBytes(US_ASCII)));
    InputStream in = Channels.newInputStream(channel);
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  static String datagramEcho(SocketAddress address, String text) throws IOException {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(address);
      channel.socket().setSoTimeout(10_000);
      channel.write(ByteBuffer.wrap(text.getBytes(US_ASCII)));
      byte[] answer = new byte[1024];
      java.net.DatagramPacket packet = new java.net.DatagramPacket(answer, answer.length);
      channel.socket().receive(packet);
      return new String(answer, 0, packet.getLength(), US_ASCII);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyModeEchoesOverTcpOrUdp(Mode mode) throws Exception {
    try (Running running = new Running(SocketServerEcho.open(mode, ANY_PORT, null))) {
      for (int i = 0; i < 3; i++) {
        String text = mode.cliName() + " " + i;
        if (mode.isDatagrams()) {
          assertThat(datagramEcho(running.address(), text)).isEqualTo(text);
        } else {
          try (SocketChannel client = connect(running.address())) {
            assertThat(lineEcho(client, text)).isEqualTo(text);
            assertThat(lineEcho(client, "more")).isEqualTo("more");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"TCP", "THREADING_TCP"})
  void theStreamModesEchoOverAUnixSocket(Mode mode) throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
    try (Running running = new Running(SocketServerEcho.open(mode, address, null));
        SocketChannel client = connect(running.address())) {
      assertThat(lineEcho(client, "over unix")).isEqualTo("over unix");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"UDP", "THREADING_UDP"})
  void theDatagramModesRefuseAUnixSocketWithTheReason(Mode mode) {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
    assertThatThrownBy(() -> SocketServerEcho.open(mode, address, null))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(SocketServerEcho.NO_UNIX_DATAGRAMS);
  }

  @Test
  void threadingTcpEchoesAMebibyteWithoutANewlineBeforeTheClientClosesItsSide() throws Exception {
    byte[] sent = new byte[1024 * 1024];
    for (int i = 0; i < sent.length; i++) {
      sent[i] = (byte) ('a' + i % 26);
    }
    try (Running running = new Running(SocketServerEcho.open(Mode.THREADING_TCP, ANY_PORT, null));
        SocketChannel client = connect(running.address())) {
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        // Writes on its own thread so that the echo is read while the rest is still being sent.
        Future<?> writing = writer.submit(() -> client.write(ByteBuffer.wrap(sent)));
        ByteBuffer received = ByteBuffer.allocate(sent.length);
        while (received.hasRemaining()) {
          assertThat(client.read(received))
              .as("echoed so far: %d", received.position())
              .isPositive();
        }
        writing.get(10, TimeUnit.SECONDS);
        assertThat(received.array()).isEqualTo(sent);
      } finally {
        writer.shutdownNow();
      }
    }
  }

  @Test
  void threadingIsOnlyForTheThreadingModes() {
    assertThatThrownBy(() -> SocketServerEcho.open(Mode.TCP, ANY_PORT, Threading.pool(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Threading> threadings() {
    List<Threading> all = new ArrayList<>(List.of(Threading.platformThreads()));
    if (Threading.virtualThreadsAvailable()) {
      all.add(Threading.virtualThreads());
    }
    return all.stream();
  }

  /** The lecture's point about ThreadingMixIn, with hundreds of clients holding connections. */
  @ParameterizedTest
  @MethodSource("threadings")
  void threadingTcpServesANewClientAtOnceWhileHundredsHoldIdleConnections(Threading threading)
      throws Exception {
    int idleClients = 300;
    List<SocketChannel> idle = new ArrayList<>();
    try (Running running =
        new Running(SocketServerEcho.open(Mode.THREADING_TCP, ANY_PORT, threading))) {
      try {
        for (int i = 0; i < idleClients; i++) {
          SocketChannel client = connect(running.address());
          idle.add(client);
          if (i % 50 == 0) {
            // Each idle client really holds a handler: it is served, then stays silent.
            assertThat(lineEcho(client, "hold " + i)).isEqualTo("hold " + i);
          }
        }
        ExecutorService newcomer = Executors.newSingleThreadExecutor();
        try {
          Future<String> answer =
              newcomer.submit(
                  () -> {
                    try (SocketChannel client = connect(running.address())) {
                      return lineEcho(client, "newcomer");
                    }
                  });
          assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("newcomer");
        } finally {
          newcomer.shutdownNow();
        }
      } finally {
        for (SocketChannel client : idle) {
          client.close();
        }
      }
    }
  }

  @Test
  void aPlainTcpServerServesTheNextClientOnlyOnceTheFirstHasGone() throws Exception {
    try (Running running = new Running(SocketServerEcho.open(Mode.TCP, ANY_PORT, null))) {
      SocketChannel first = connect(running.address());
      SocketChannel second;
      try {
        assertThat(lineEcho(first, "first")).isEqualTo("first");
        second = connect(running.address());
      } catch (IOException | RuntimeException | Error e) {
        first.close();
        throw e;
      }
      try (SocketChannel alsoClosed = second) {
        second.write(ByteBuffer.wrap("second\n".getBytes(US_ASCII)));
        assertThat(lineEcho(first, "first again")).isEqualTo("first again");
        // The serving thread is still in the first client's handle(): nothing for the second yet.
        second.configureBlocking(false);
        assertThat(second.read(ByteBuffer.allocate(16))).isZero();
        second.configureBlocking(true);
        first.close();
        second.socket().setSoTimeout(10_000);
        byte[] answer = Channels.newInputStream(second).readNBytes(7);
        assertThat(new String(answer, US_ASCII)).isEqualTo("second\n");
        assertThat(alsoClosed.isOpen()).isTrue();
      }
    }
  }
}
