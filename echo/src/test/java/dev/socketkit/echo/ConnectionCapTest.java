package dev.socketkit.echo;

import static dev.socketkit.echo.SocketServerEchoTest.connect;
import static dev.socketkit.echo.SocketServerEchoTest.lineEcho;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.echo.SocketServerEcho.Mode;
import dev.socketkit.echo.SocketServerEchoTest.Running;
import dev.socketkit.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The threading-tcp echo server's cap on connections open at once, over real sockets. */
@Timeout(60)
class ConnectionCapTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "unix"})
  void refusesTheConnectionOverTheCapAndAdmitsOneWhenAPlaceIsFree(String family) throws Exception {
    SocketAddress address =
        family.equals("unix")
            ? UnixDomainSocketAddress.of(dir.resolve("echo.sock"))
            : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (Running running =
            new Running(SocketServerEcho.open(Mode.THREADING_TCP, address, null, null, 2));
        SocketChannel second = connect(running.address())) {
      SocketChannel first = connect(running.address());
      try {
        assertThat(lineEcho(first, "one")).isEqualTo("one");
        assertThat(lineEcho(second, "two")).isEqualTo("two");

        try (SocketChannel third = connect(running.address())) {
          assertThat(closedByServer(third)).as("the third of a cap of two").isTrue();
        }
        assertThat(lineEcho(second, "still served")).isEqualTo("still served");
      } finally {
        first.close();
      }
      // The place is given back when the server has closed its end, a moment after ours.
      try (SocketChannel next =
          Await.value(
              Duration.ofSeconds(20),
              () -> admitted(running.address()),
              () -> "a new connection admitted after one of two closed")) {
        assertThat(lineEcho(next, "three")).isEqualTo("three");
      }
    }
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThatThrownBy(
            () ->
                SocketServerEcho.open(
                    Mode.THREADING_TCP,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    null,
                    null,
                    0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections: 0");
  }

  @Test
  void warnsOfRefusalsAtMostEveryTenSecondsWithTheCountSinceTheLast() throws Exception {
    long[] now = {0};
    List<String> warnings = new ArrayList<>();
    ConnectionCap cap = new ConnectionCap(1, warnings::add, () -> now[0]);
    try (SocketChannel a = SocketChannel.open();
        SocketChannel b = SocketChannel.open()) {
      assertThat(cap.admit(a)).isTrue();
      assertThat(cap.admit(b)).isFalse();
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0)).startsWith("refused 1 connection(s) over the cap of 1");

      now[0] = TimeUnit.SECONDS.toNanos(9);
      assertThat(cap.admit(b)).isFalse();
      assertThat(cap.admit(b)).isFalse();
      assertThat(warnings).as("within ten seconds of the last").hasSize(1);

      now[0] = TimeUnit.SECONDS.toNanos(10);
      assertThat(cap.admit(b)).isFalse();
      assertThat(warnings).hasSize(2);
      assertThat(warnings.get(1)).startsWith("refused 3 connection(s) since the last warning");

      cap.release(b); // never admitted: frees nothing
      assertThat(cap.open()).isEqualTo(1);
      cap.release(a);
      assertThat(cap.admit(b)).isTrue();
    }
  }

  /** A new connection that echoes, or null (closed) when it was refused. */
  private static SocketChannel admitted(SocketAddress address) throws IOException {
    SocketChannel channel = connect(address);
    try {
      if ("probe".equals(lineEcho(channel, "probe"))) {
        return channel;
      }
    } catch (IOException refused) {
      // reset by the server that closed it: refused
    }
    channel.close();
    return null;
  }

  /** Whether the server closed the connection without a word (end of stream, or a reset). */
  private static boolean closedByServer(SocketChannel channel) {
    try {
      return channel.read(ByteBuffer.allocate(1)) == -1;
    } catch (IOException reset) {
      return true;
    }
  }
}
