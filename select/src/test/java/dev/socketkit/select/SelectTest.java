package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.RefusingPort;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SelectTest {
  private static ServerSocketChannel listen() throws Exception {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    return server;
  }

  /** A connected pair: the client's end and the server's accepted end. */
  private record Pair(SocketChannel client, SocketChannel accepted) implements AutoCloseable {
    static Pair connect(ServerSocketChannel server) throws Exception {
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      return new Pair(client, server.accept());
    }

    @Override
    public void close() throws IOException {
      try (client;
          accepted) {
        // closes both
      }
    }
  }

  private static void send(SocketChannel channel, int b) throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte) b});
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * The build runs this class a second time with the selector provider property naming the JDK's
   * poll selector; this checks that it took effect there, so that run tests what it says.
   */
  @Test
  void selectsWithTheProviderTheJvmWasAskedFor() throws IOException {
    String asked = System.getProperty("java.nio.channels.spi.SelectorProvider");
    org.junit.jupiter.api.Assumptions.assumeTrue(asked != null, "no provider asked for");
    try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
      assertThat(selector.provider().getClass().getName()).isEqualTo(asked);
    }
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
  void subMillisecondTimeoutStillReturnsInsteadOfBlocking() throws Exception {
    try (ServerSocketChannel server = listen()) {
      assertThat(
              Select.select(List.of(server), List.of(), List.of(), Duration.ofNanos(1)).isEmpty())
          .isTrue();
    }
  }

  @Test
  void hugeTimeoutDoesNotOverflowAndReturnsAsSoonAsSomethingIsReady() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(), List.of(client), List.of(), Duration.ofSeconds(Long.MAX_VALUE));
      assertThat(ready.writes()).containsExactly(client);
    }
  }

  @Test
  void nullTimeoutBlocksUntilAClientWaitsToBeAcceptedAndReturnsTheCallersObject() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open()) {
      // The select is blocked: nothing is ready until the client connects.
      CompletableFuture<Select.Ready<SelectableChannel>> selecting =
          BlockedSelect.start(() -> Select.select(List.of(server), List.of(), List.of(), null));
      client.connect(server.getLocalAddress());
      Select.Ready<SelectableChannel> ready = selecting.get(10, TimeUnit.SECONDS);
      assertThat(ready.reads()).singleElement().isSameAs(server);
      try (SocketChannel accepted = server.accept()) {
        assertThat(accepted).isNotNull();
      }
    }
  }

  @Test
  void interruptedBlockingSelectThrowsAndKeepsTheInterruptFlag() throws Exception {
    try (ServerSocketChannel server = listen()) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> Select.select(List.of(server), List.of(), List.of(), null))
            .isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
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

  @Test
  void resultsHoldTheCallersOwnObjectsInTheCallersOrder() throws Exception {
    try (ServerSocketChannel server = listen()) {
      List<SocketChannel> clients = new ArrayList<>();
      List<SocketChannel> accepted = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          clients.add(SocketChannel.open(server.getLocalAddress()));
          accepted.add(server.accept());
        }
        // Data arrives in the order 4, 1, 3; the caller lists them 3, 0, 4, 2, 1.
        send(clients.get(4), 4);
        send(clients.get(1), 1);
        send(clients.get(3), 3);
        List<SocketChannel> asked =
            List.of(
                accepted.get(3),
                accepted.get(0),
                accepted.get(4),
                accepted.get(2),
                accepted.get(1));
        List<SocketChannel> readable =
            Await.value(
                Duration.ofSeconds(10),
                () -> {
                  List<SocketChannel> reads =
                      Select.select(asked, List.of(), List.of(), Duration.ofMillis(50)).reads();
                  return reads.size() >= 3 ? reads : null;
                },
                () -> "three readable channels");
        assertThat(readable).hasSize(3);
        assertThat(readable.get(0)).isSameAs(accepted.get(3));
        assertThat(readable.get(1)).isSameAs(accepted.get(4));
        assertThat(readable.get(2)).isSameAs(accepted.get(1));
        assertThatThrownBy(() -> Select.select(asked, asked, asked, Duration.ZERO).reads().clear())
            .isInstanceOf(UnsupportedOperationException.class);
      } finally {
        for (SocketChannel channel : clients) {
          channel.close();
        }
        for (SocketChannel channel : accepted) {
          channel.close();
        }
      }
    }
  }

  @Test
  void aChannelListedTwiceInOneListIsReportedOnce() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(), List.of(client, client), List.of(), Duration.ZERO);
      assertThat(ready.writes()).containsExactly(client);
    }
  }

  @Test
  void aChannelClosedBeforeTheCallIsReportedInErrorsAtOnceEvenWithoutATimeout() throws Exception {
    try (ServerSocketChannel server = listen();
        Pair pair = Pair.connect(server)) {
      SocketChannel accepted = pair.accepted();
      Select.select(List.of(accepted), List.of(), List.of(), Duration.ZERO); // registers it
      accepted.close();
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(accepted), List.of(accepted), List.of(accepted), null);
      assertThat(ready.errors()).containsExactly(accepted);
      assertThat(ready.reads()).isEmpty();
      assertThat(ready.writes()).isEmpty();

      SocketChannel neverSelected = SocketChannel.open();
      neverSelected.close();
      assertThat(Select.select(List.of(), List.of(), List.of(neverSelected), null).errors())
          .containsExactly(neverSelected);
    }
  }

  @Test
  void aClosedChannelNotListedInErrorsIsReportedWhereItIsListed() throws Exception {
    try (ServerSocketChannel server = listen();
        Pair pair = Pair.connect(server)) {
      SocketChannel accepted = pair.accepted();
      Select.select(List.of(accepted), List.of(), List.of(), Duration.ZERO);
      accepted.close();
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(accepted), List.of(), List.of(), null);
      assertThat(ready.reads()).containsExactly(accepted);
      assertThat(ready.errors()).isEmpty();
    }
  }

  /**
   * The lecture's call, {@code select(r_sock, w_sock, r_sock)}, passes one list object as reads and
   * errors: the answer must be the one two equal lists get, a failed channel in errors alone.
   */
  @Test
  void oneListPassedAsReadsAndErrorsGetsTheAnswerOfTwoEqualLists() throws Exception {
    try (ServerSocketChannel server = listen();
        Pair readable = Pair.connect(server);
        Pair idle = Pair.connect(server);
        Pair closed = Pair.connect(server);
        SocketChannel waiting = SocketChannel.open(server.getLocalAddress())) {
      assertThat(waiting.isConnected()).isTrue(); // not accepted: the server is readable
      List<SelectableChannel> rSock =
          new ArrayList<>(
              List.of(server, readable.accepted(), idle.accepted(), closed.accepted(), server));
      List<SelectableChannel> wSock = List.of(idle.accepted());
      Select.select(rSock, wSock, rSock, Duration.ZERO); // registers them all
      send(readable.client(), 7);
      Select.select(List.of(readable.accepted()), List.of(), List.of(), null); // until it arrived
      closed.accepted().close();
      rSock.add(closed.accepted()); // listed twice: reported once

      Select.Ready<SelectableChannel> shared = Select.select(rSock, wSock, rSock, null);
      Select.Ready<SelectableChannel> apart =
          Select.select(rSock, wSock, new ArrayList<>(rSock), null);

      assertThat(shared.reads()).containsExactly(server, readable.accepted());
      assertThat(shared.writes()).containsExactly(idle.accepted());
      assertThat(shared.errors()).containsExactly(closed.accepted());
      assertThat(apart).isEqualTo(shared);
    }
  }

  @Test
  void aChannelClosedByAnotherThreadDuringTheCallIsReportedInErrors() throws Exception {
    try (ServerSocketChannel server = listen();
        Pair pair = Pair.connect(server)) {
      SocketChannel accepted = pair.accepted();
      CompletableFuture<Select.Ready<SocketChannel>> selecting =
          BlockedSelect.start(
              () -> Select.select(List.of(accepted), List.of(), List.of(accepted), null));
      accepted.close();
      Select.Ready<SocketChannel> ready = selecting.get(20, TimeUnit.SECONDS);
      assertThat(ready.errors()).containsExactly(accepted);
      assertThat(ready.reads()).isEmpty();
    }
  }

  @Test
  void aRefusedNonBlockingConnectIsReportedInErrors() throws Exception {
    try (RefusingPort refusing = RefusingPort.open();
        SocketChannel client = SocketChannel.open()) {
      client.configureBlocking(false);
      client.connect(refusing.address());
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(), List.of(client), List.of(client), Duration.ofSeconds(10));
      assertThat(ready.errors()).containsExactly(client);
      assertThat(ready.writes()).isEmpty();
      assertThat(client.isOpen()).isFalse();
    }
  }

  @Test
  void aRefusedConnectNotListedInErrorsIsReportedInWrites() throws Exception {
    try (RefusingPort refusing = RefusingPort.open();
        SocketChannel client = SocketChannel.open()) {
      client.configureBlocking(false);
      client.connect(refusing.address());
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(), List.of(client), List.of(), Duration.ofSeconds(10));
      assertThat(ready.writes()).containsExactly(client);
      assertThatThrownBy(() -> client.write(ByteBuffer.allocate(1))).isInstanceOf(Exception.class);
    }
  }

  @Test
  void aPeerResetIsNotAnErrorEventButMakesTheChannelReadable() throws Exception {
    try (ServerSocketChannel server = listen();
        Pair pair = Pair.connect(server)) {
      SocketChannel accepted = pair.accepted();
      pair.client().socket().setSoLinger(true, 0);
      pair.client().close(); // RST
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(accepted), List.of(), List.of(accepted), Duration.ofSeconds(10));
      assertThat(ready.reads()).containsExactly(accepted);
      assertThat(ready.errors()).isEmpty();
    }
  }

  @Test
  void aConnectingChannelInWritesBecomesReadyWhenItIsConnected() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open()) {
      client.configureBlocking(false);
      boolean connectedAtOnce = client.connect(server.getLocalAddress());
      Select.Ready<SocketChannel> ready =
          Select.select(List.of(), List.of(client), List.of(client), Duration.ofSeconds(10));
      assertThat(ready.writes()).containsExactly(client);
      assertThat(ready.errors()).isEmpty();
      assertThat(client.isConnected()).as("connected at once: %s", connectedAtOnce).isTrue();
      try (SocketChannel accepted = server.accept()) {
        send(client, 7);
        ByteBuffer in = ByteBuffer.allocate(1);
        assertThat(accepted.read(in)).isEqualTo(1);
      }
    }
  }

  @Test
  void aReadableChannelLeftOutOfTheListsIsNotReportedAndDoesNotEndTheWait() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      send(client, 1);
      assertThat(
              Select.select(List.of(accepted), List.of(), List.of(), Duration.ofSeconds(10))
                  .reads())
          .containsExactly(accepted);
      long start = System.nanoTime();
      Select.Ready<ServerSocketChannel> ready =
          Select.select(List.of(server), List.of(), List.of(), Duration.ofMillis(100));
      assertThat(ready.isEmpty()).isTrue();
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }
  }

  @Test
  void selectsOverTenThousandSocketsAndReportsExactlyTheReadyOnes() throws Exception {
    int pairs = 5_000; // 10,000 connected channels (+ the listener) in one process
    List<SocketChannel> clients = new ArrayList<>(pairs);
    List<SocketChannel> accepted = new ArrayList<>(pairs);
    try (ServerSocketChannel server = listen()) {
      for (int i = 0; i < pairs; i++) {
        clients.add(SocketChannel.open(server.getLocalAddress()));
        accepted.add(server.accept());
      }
      List<SocketChannel> all = new ArrayList<>(2 * pairs);
      all.addAll(accepted);
      all.addAll(clients);
      assertThat(Select.select(all, List.of(), List.of(), Duration.ZERO).isEmpty()).isTrue();

      List<SocketChannel> expected = new ArrayList<>();
      for (int i = 0; i < pairs; i += 7) {
        send(clients.get(i), i);
        expected.add(accepted.get(i)); // accepted side, in the order of "all"
      }
      for (int i = 3; i < pairs; i += 11) {
        send(accepted.get(i), i);
      }
      List<SocketChannel> expectedClients = new ArrayList<>();
      for (int i = 3; i < pairs; i += 11) {
        expectedClients.add(clients.get(i));
      }
      expected.addAll(expectedClients);

      List<SocketChannel> readable =
          Await.value(
              Duration.ofSeconds(30),
              () -> {
                List<SocketChannel> reads =
                    Select.select(all, List.of(), List.of(), Duration.ofMillis(100)).reads();
                return reads.size() >= expected.size() ? reads : null;
              },
              () -> expected.size() + " readable channels");
      assertThat(readable).containsExactlyElementsOf(expected);
      assertThat(Select.select(List.of(), all, List.of(), Duration.ZERO).writes())
          .hasSize(2 * pairs);
    } finally {
      for (SocketChannel channel : clients) {
        channel.close();
      }
      for (SocketChannel channel : accepted) {
        channel.close();
      }
    }
  }

  @Test
  void closeSelectorIfOpenClosesTheThreadsSelectorAndNeverOpensOne() throws Exception {
    CompletableFuture<List<Boolean>> answers = new CompletableFuture<>();
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source();
        Pipe.SinkChannel sink = pipe.sink()) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  boolean before = Select.closeSelectorIfOpen();
                  Select.select(List.of(source), List.of(), List.of(), Duration.ZERO);
                  boolean registered = source.isRegistered();
                  boolean closed = Select.closeSelectorIfOpen();
                  boolean again = Select.closeSelectorIfOpen();
                  answers.complete(List.of(before, registered, closed, again));
                } catch (Throwable e) {
                  answers.completeExceptionally(e);
                }
              });
      thread.start();
      assertThat(answers.get(10, TimeUnit.SECONDS)).containsExactly(false, true, true, false);
      assertThat(source.isRegistered()).as("deregistered when the selector closed").isFalse();
      assertThat(source.isOpen()).isTrue();
      assertThat(sink.isOpen()).isTrue();
    }
  }
}
