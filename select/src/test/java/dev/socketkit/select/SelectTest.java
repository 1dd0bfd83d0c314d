package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SelectTest {
  private static ServerSocketChannel listen() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return server;
  }

  @Test
  void negativeTimeoutIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> Select.select(List.of(), List.of(), List.of(), Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.005S");
  }

  @Test
  void zeroTimeoutPollsAndReturnsEmptyListsWhenNothingIsReady() throws Exception {
    try (ServerSocketChannel server = listen()) {
      Select.Ready<ServerSocketChannel> ready =
          Select.select(List.of(server), List.of(), List.of(), Duration.ZERO);
      assertThat(ready.isEmpty()).isTrue();
    }
  }

  @Test
  void positiveTimeoutWaitsAtLeastThatLongWhenNothingIsReady() throws Exception {
    try (ServerSocketChannel server = listen()) {
      long start = System.nanoTime();
      Select.Ready<ServerSocketChannel> ready =
          Select.select(List.of(server), List.of(), List.of(), Duration.ofMillis(200));
      assertThat(ready.isEmpty()).isTrue();
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }
  }

  @Test
  void nullTimeoutBlocksUntilAClientWaitsToBeAcceptedAndReturnsTheCallersObject() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open()) {
      Thread connector =
          new Thread(
              () -> {
                try {
                  client.connect(server.getLocalAddress());
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      connector.start();
      Select.Ready<SelectableChannel> ready =
          Select.select(List.of(server), List.of(), List.of(), null);
      assertThat(ready.reads()).singleElement().isSameAs(server);
      connector.join();
      try (SocketChannel accepted = server.accept()) {
        assertThat(accepted).isNotNull();
      }
    }
  }

  @Test
  void connectedSocketIsWritableAndBecomesReadableWhenDataArrives() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(accepted), List.of(client), List.of(), Duration.ZERO);
      assertThat(ready.reads()).isEmpty();
      assertThat(ready.writes()).containsExactly(client);

      Select.forget(client); // a selected channel must be forgotten before it can block again
      client.configureBlocking(true);
      client.write(ByteBuffer.wrap(new byte[] {42}));
      ready = Select.select(List.of(accepted), List.of(), List.of(), Duration.ofSeconds(10));
      assertThat(ready.reads()).containsExactly(accepted);
    }
  }
}
