package dev.socketkit.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.echo.RunningServer.Kind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(120)
class EchoServerTest {
  /** Sends {@code payload} and reads the same number of bytes back. */
  static byte[] exchange(SocketChannel client, byte[] payload) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(payload);
    while (out.hasRemaining()) {
      client.write(out);
    }
    ByteBuffer in = ByteBuffer.allocate(payload.length);
    while (in.hasRemaining()) {
      if (client.read(in) < 0) {
        throw new IOException("server closed after " + in.position() + " bytes");
      }
    }
    return in.array();
  }

  static byte[] randomPayload(Random random, int maxSize) {
    byte[] payload = new byte[1 + random.nextInt(maxSize)];
    random.nextBytes(payload);
    return payload;
  }

  /** Reads until end of stream. */
  static byte[] readToEnd(SocketChannel client) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(8192);
    while (client.read(in) >= 0) {
      all.write(in.array(), 0, in.position());
      in.clear();
    }
    return all.toByteArray();
  }

  /** {@code clients} connections at once, each echoing a few random payloads; all intact. */
  private static void echoConcurrently(SocketAddress address, int clients, ExecutorService pool)
      throws Exception {
    List<SocketChannel> channels = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        channels.add(SocketChannel.open(address));
      }
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        SocketChannel client = channels.get(i);
        long seed = i;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  int bytes = 0;
                  for (int round = 0; round < 3; round++) {
                    byte[] payload = randomPayload(random, 32 * 1024);
                    assertThat(exchange(client, payload)).isEqualTo(payload);
                    bytes += payload.length;
                  }
                  return bytes;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      for (SocketChannel channel : channels) {
        channel.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void twoHundredConcurrentClientsEchoRandomPayloadsIntact(Kind kind) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (RunningServer running = new RunningServer(kind)) {
      echoConcurrently(running.address(), 200, pool);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void servesEveryClientOnOneThreadAndStartsNoThreads(Kind kind) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (RunningServer running = new RunningServer(kind)) {
      echoConcurrently(running.address(), 8, pool); // warm up: the pool's threads exist now
      long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      echoConcurrently(running.address(), 50, pool);
      assertThat(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount())
          .as("threads started while serving 50 clients")
          .isEqualTo(started);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aClientThatResetsMidStreamAndOneThatHalfClosesLeaveTheOthersUntouched(Kind kind)
      throws Exception {
    Random random = new Random(42);
    try (RunningServer running = new RunningServer(kind);
        SocketChannel steady = SocketChannel.open(running.address());
        SocketChannel halfCloser = SocketChannel.open(running.address())) {
      byte[] first = randomPayload(random, 10_000);
      assertThat(exchange(steady, first)).isEqualTo(first);

      // A client that resets in the middle of a large message it is not reading back.
      try (SocketChannel resetter = SocketChannel.open(running.address())) {
        ByteBuffer big = ByteBuffer.allocate(512 * 1024);
        resetter.configureBlocking(false);
        resetter.write(big); // as much as fits, then vanish with a reset
        resetter.socket().setSoLinger(true, 0);
      }

      // A client that sends, half-closes, and still gets every byte back, then end of stream.
      byte[] lastWords = randomPayload(random, 200_000);
      ByteBuffer out = ByteBuffer.wrap(lastWords);
      while (out.hasRemaining()) {
        halfCloser.write(out);
      }
      halfCloser.shutdownOutput();
      assertThat(readToEnd(halfCloser)).isEqualTo(lastWords);

      for (int i = 0; i < 20; i++) {
        byte[] payload = randomPayload(random, 50_000);
        assertThat(exchange(steady, payload)).isEqualTo(payload);
      }
      try (SocketChannel newcomer = SocketChannel.open(running.address())) {
        byte[] hello = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exchange(newcomer, hello)).isEqualTo(hello);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void shutdownFromAnotherThreadEndsServeForeverAndTheServerCanServeAgain(Kind kind)
      throws Exception {
    try (RunningServer running = new RunningServer(kind)) {
      try (SocketChannel client = SocketChannel.open(running.address())) {
        byte[] payload = {9};
        assertThat(exchange(client, payload)).isEqualTo(payload); // it is serving now
      }
      running.server.shutdown();
      running.stopped.get(10, TimeUnit.SECONDS);
      Thread again =
          new Thread(
              () -> {
                try {
                  running.server.serveForever();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      again.start();
      try (SocketChannel client = SocketChannel.open(running.address())) {
        byte[] payload = {1, 2, 3};
        assertThat(exchange(client, payload)).isEqualTo(payload);
      }
      running.server.shutdown();
      again.join(10_000);
      assertThat(again.isAlive()).isFalse();
    }
  }
}
