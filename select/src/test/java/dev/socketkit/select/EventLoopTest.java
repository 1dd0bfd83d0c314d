package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopTest {
  private static ServerSocketChannel listen() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return server;
  }

  /** Runs select until {@code action} has seen something or 10 s pass; returns what it saw. */
  private static List<String> selectSome(EventLoop loop) throws Exception {
    List<String> seen = new ArrayList<>();
    Await.until(
        Duration.ofSeconds(10),
        () -> {
          loop.select(
              Duration.ofMillis(100),
              (registration, events) -> seen.add(registration.data() + ":" + events));
          return !seen.isEmpty();
        },
        () -> "select to report an event");
    return seen;
  }

  @Test
  void reportsAcceptReadAndWriteWithTheCallersData() throws Exception {
    try (EventLoop loop = EventLoop.open();
        ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      loop.register(server, EventLoop.READ, "server");
      assertThat(selectSome(loop)).containsExactly("server:" + EventLoop.READ);
      try (SocketChannel accepted = server.accept()) {
        EventLoop.Registration registration = loop.register(accepted, EventLoop.WRITE, "accepted");
        assertThat(loop.registration(accepted)).isSameAs(registration);
        loop.modify(loop.registration(server), 0);
        assertThat(selectSome(loop)).containsExactly("accepted:" + EventLoop.WRITE);

        loop.modify(registration, EventLoop.READ);
        assertThat(loop.select(Duration.ZERO, (r, e) -> {})).isZero();
        client.write(ByteBuffer.wrap(new byte[] {1}));
        assertThat(selectSome(loop)).containsExactly("accepted:" + EventLoop.READ);

        loop.unregister(registration);
        accepted.configureBlocking(true); // possible only once unregistered
        assertThat(loop.registration(accepted)).isNull();
      }
    }
  }

  @Test
  void registeringTwiceOrWithUnknownEventsIsRejected() throws Exception {
    try (EventLoop loop = EventLoop.open();
        ServerSocketChannel server = listen()) {
      loop.register(server, EventLoop.READ, null);
      assertThatThrownBy(() -> loop.register(server, EventLoop.READ, null))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> loop.modify(loop.registration(server), 4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("events: 4");
      assertThatThrownBy(() -> loop.select(Duration.ofSeconds(-1), (r, e) -> {}))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aRefusedConnectIsReportedWritableWithItsFailure() throws Exception {
    SocketAddress refusing;
    try (ServerSocketChannel server = listen()) {
      refusing = server.getLocalAddress();
    }
    try (EventLoop loop = EventLoop.open();
        SocketChannel client = SocketChannel.open()) {
      client.configureBlocking(false);
      client.connect(refusing);
      EventLoop.Registration registration = loop.register(client, EventLoop.WRITE, "client");
      assertThat(selectSome(loop)).containsExactly("client:" + EventLoop.WRITE);
      assertThat(registration.connectFailure()).isNotNull();
      assertThat(client.isOpen()).isFalse();
    }
  }

  @Test
  void wakeupFromAnotherThreadEndsABlockingSelect() throws Exception {
    try (EventLoop loop = EventLoop.open();
        ServerSocketChannel server = listen()) {
      loop.register(server, EventLoop.READ, null);
      // Blocked first: a wakeup before the call would also end it, and prove nothing here.
      CompletableFuture<Integer> selecting =
          BlockedSelect.start(() -> loop.select(null, (r, e) -> {}));
      loop.wakeup();
      assertThat(selecting.get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void anActionMayUnregisterAChannelAndItIsNotReportedAgain() throws Exception {
    try (EventLoop loop = EventLoop.open();
        ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      loop.register(accepted, EventLoop.WRITE, "accepted");
      List<String> seen = new ArrayList<>();
      loop.select(
          Duration.ofSeconds(10),
          (registration, events) -> {
            seen.add((String) registration.data());
            try {
              loop.unregister(registration);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      assertThat(seen).containsExactly("accepted");
      assertThat(loop.select(Duration.ofMillis(50), (r, e) -> seen.add("again"))).isZero();
      accepted.configureBlocking(true); // the select that followed completed the deregistration
      assertThat(client.isConnected()).isTrue();
    }
  }
}
