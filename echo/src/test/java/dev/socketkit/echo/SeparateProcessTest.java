package dev.socketkit.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.echo.RunningServer.Kind;
import dev.socketkit.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Tests that need a second JVM: a small heap for the server, or the other 10,000 ends. */
class SeparateProcessTest {
  private static final long TOTAL = 256L << 20; // 256 MiB

  /** The byte at {@code offset} of the stream the slow reader sends: position-dependent. */
  private static byte patternAt(long offset) {
    return (byte) (offset ^ (offset >>> 8) ^ (offset >>> 19));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(180)
  void aClientThatWrites256MibBeforeReadingGetsEveryByteBackFromAServerIn64Mib(Kind kind)
      throws Exception {
    Process child = ChildServer.start(ChildServer.class, List.of("-Xmx64m"), kind.name());
    try {
      SocketAddress address = ChildServer.listeningAddress(child);
      try (SocketChannel slow = SocketChannel.open(address);
          SocketChannel other = SocketChannel.open(address)) {
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                  try {
                    for (long offset = 0; offset < TOTAL; offset += chunk.capacity()) {
                      chunk.clear();
                      for (int i = 0; i < chunk.capacity(); i++) {
                        chunk.put(i, patternAt(offset + i));
                      }
                      while (chunk.hasRemaining()) {
                        written.addAndGet(slow.write(chunk));
                      }
                    }
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });

        // Not reading: the writer stalls once the server stops reading from this client.
        // Stalled means: the count of bytes written has not moved for 2 s.
        long[] lastAndSince = {-1, System.nanoTime()};
        Await.until(
            Duration.ofSeconds(60),
            () -> {
              long now = written.get();
              if (now != lastAndSince[0]) {
                lastAndSince[0] = now;
                lastAndSince[1] = System.nanoTime();
              }
              return System.nanoTime() - lastAndSince[1] >= TimeUnit.SECONDS.toNanos(2);
            },
            () -> "the writer to stall; " + written.get() + " bytes written so far");
        assertThat(writer).isNotDone();
        assertThat(written.get()).isLessThan(TOTAL);

        // Meanwhile the server keeps serving everyone else.
        Random random = new Random(7);
        for (int i = 0; i < 10; i++) {
          byte[] payload = EchoServerTest.randomPayload(random, 20_000);
          assertThat(EchoServerTest.exchange(other, payload)).isEqualTo(payload);
        }

        // Now read: every byte comes back, in order.
        ByteBuffer in = ByteBuffer.allocate(256 * 1024);
        long read = 0;
        while (read < TOTAL) {
          in.clear();
          int n = slow.read(in);
          assertThat(n).as("end of stream after %d bytes", read).isNotNegative();
          for (int i = 0; i < n; i++) {
            if (in.get(i) != patternAt(read + i)) {
              throw new AssertionError("byte " + (read + i) + " differs");
            }
          }
          read += n;
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(read).isEqualTo(TOTAL);
        assertThat(child.isAlive()).as("the server survived with -Xmx64m").isTrue();
        byte[] after = {1, 2, 3};
        assertThat(EchoServerTest.exchange(other, after)).isEqualTo(after);
      }
    } finally {
      ChildServer.stop(child);
    }
  }

  @Test
  @Timeout(120)
  void queueServerHoldsTenThousandConcurrentConnectionsFromAnotherProcess() throws Exception {
    int count = 10_000;
    try (RunningServer running = new RunningServer(Kind.QUEUE)) {
      int port = ((InetSocketAddress) running.address()).getPort();
      Process clients =
          ChildServer.start(
              ChildClients.class, List.of(), String.valueOf(port), String.valueOf(count));
      try {
        String line =
            new BufferedReader(
                    new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).isEqualTo("echoed " + count);
      } finally {
        ChildServer.stop(clients);
      }
      assertThat(clients.exitValue()).isZero();
    }
  }
}
