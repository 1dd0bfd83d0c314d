package dev.socketkit.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.echo.RunningServer.Kind;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server that runs out of file descriptors keeps serving, and accepts again once some free. */
@Timeout(120)
class OutOfDescriptorsTest {
  private static final int FD_LIMIT = 256; // for the server's JVM: its jars, selectors and clients

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aServerOutOfFileDescriptorsKeepsServingAndAcceptsAgainWhenSomeAreFree(Kind kind)
      throws Exception {
    Process child =
        ChildServer.start(
            List.of("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$0\" \"$@\""),
            ChildServer.class,
            List.of("-XX:-MaxFDLimit"),
            kind.name());
    List<SocketChannel> clients = new ArrayList<>();
    try {
      SocketAddress address = ChildServer.listeningAddress(child);
      SocketChannel first = SocketChannel.open(address);
      clients.add(first);
      byte[] hello = {1, 2, 3};
      assertThat(EchoServerTest.exchange(first, hello)).isEqualTo(hello);

      // More clients than the server has descriptors: the kernel queues them, accept() fails.
      for (int i = 0; i < 2 * FD_LIMIT; i++) {
        clients.add(SocketChannel.open(address));
      }
      SocketChannel last = clients.get(clients.size() - 1);
      // The server is alive and serving the clients it has.
      byte[] again = {4, 5, 6};
      assertThat(EchoServerTest.exchange(first, again)).isEqualTo(again);
      assertThat(child.isAlive()).isTrue();

      // Free most of them: the server accepts the waiting ones, down to the last.
      for (int i = 1; i < clients.size() - 1; i++) {
        clients.get(i).close();
      }
      byte[] bye = {7, 8, 9};
      assertThat(EchoServerTest.exchange(last, bye)).isEqualTo(bye);
      assertThat(child.isAlive()).isTrue();
    } finally {
      for (SocketChannel client : clients) {
        client.close();
      }
      ChildServer.stop(child);
    }
  }
}
