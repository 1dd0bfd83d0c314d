package dev.socketkit.gui;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.RefusingPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OnOffClientTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  /**
   * Calls handle() until the screen matches, as the window's Timer would; fails at the deadline.
   */
  private static Screen handleUntil(OnOffClient client, Predicate<Screen> condition)
      throws Exception {
    AtomicReference<Screen> last = new AtomicReference<>();
    return Await.value(
        DEADLINE,
        () -> {
          Screen screen = client.handle();
          last.set(screen);
          return condition.test(screen) ? screen : null;
        },
        () -> "the screen; last screen " + last.get());
  }

  private static void waitFor(BooleanSupplier condition, String what) throws Exception {
    Await.until(DEADLINE, condition::getAsBoolean, () -> what);
  }

  private static Predicate<Screen> is(ConnectionState state) {
    return screen -> screen.connection() == state;
  }

  /**
   * A loopback port that nothing listens on (bound, then closed), for a test that later listens on
   * it; another test could take it meanwhile, so prefer a {@link RefusingPort}.
   */
  private static InetSocketAddress unusedAddress() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
    }
  }

  @Test
  void showsTheSelectEchoServersEchoOfOnThenOff() throws Exception {
    try (RunningEchoServer server = new RunningEchoServer();
        OnOffClient client = new OnOffClient(server.address())) {
      Screen connected = handleUntil(client, is(ConnectionState.CONNECTED));
      assertThat(connected.status())
          .isEqualTo("connected to " + OnOffClient.hostPort(server.address()));
      assertThat(connected.buttonText()).isEqualTo("OFF");
      assertThat(connected.lastEcho()).isEmpty();

      Screen clicked = client.buttonCommand();
      assertThat(clicked.on()).isTrue();
      assertThat(clicked.buttonText()).isEqualTo("ON");
      assertThat(clicked.notice()).isEmpty();
      handleUntil(client, screen -> screen.lastEcho().equals("ON"));

      assertThat(client.buttonCommand().buttonText()).isEqualTo("OFF");
      Screen echoed = handleUntil(client, screen -> screen.lastEcho().equals("OFF"));
      assertThat(echoed.connection()).isEqualTo(ConnectionState.CONNECTED);
    }
  }

  @Test
  void sendsEachClickAsOneLine() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnOffClient client =
            new OnOffClient((InetSocketAddress) listener.getLocalSocketAddress())) {
      listener.setSoTimeout((int) DEADLINE.toMillis());
      handleUntil(client, is(ConnectionState.CONNECTED));
      try (Socket peer = listener.accept()) {
        peer.setSoTimeout((int) DEADLINE.toMillis());
        client.buttonCommand();
        client.buttonCommand();
        client.buttonCommand();
        handleUntil(client, screen -> !client.hasPendingOutput());
        assertThat(new String(peer.getInputStream().readNBytes(10), US_ASCII))
            .isEqualTo("ON\nOFF\nON\n");
      }
    }
  }

  @Test
  void framesEchoesThatArriveInPiecesOrSeveralAtOnce() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnOffClient client =
            new OnOffClient((InetSocketAddress) listener.getLocalSocketAddress())) {
      listener.setSoTimeout((int) DEADLINE.toMillis());
      handleUntil(client, is(ConnectionState.CONNECTED));
      try (Socket peer = listener.accept()) {
        peer.setTcpNoDelay(true);
        OutputStream out = peer.getOutputStream();
        out.write("O".getBytes(US_ASCII));
        out.flush();
        for (int i = 0; i < 20; i++) {
          assertThat(client.handle().lastEcho()).isEmpty(); // half a line is not an echo yet
        }
        out.write("N\r\nOF".getBytes(US_ASCII));
        handleUntil(client, screen -> screen.lastEcho().equals("ON"));
        out.write("F\nsecond\nthird\n".getBytes(US_ASCII));
        handleUntil(client, screen -> screen.lastEcho().equals("third"));
      }
    }
  }

  @Test
  void saysDisconnectedAndRetriesWithDoublingDelaysWhenNoServerListens() throws Exception {
    try (RefusingPort refusing = RefusingPort.open();
        OnOffClient client = new OnOffClient(refusing.address(), clock::get)) {
      InetSocketAddress nowhere = refusing.address();
      assertThat(client.screen().status()).startsWith("connecting to ");
      Screen refused =
          handleUntil(client, is(ConnectionState.DISCONNECTED).and(s -> client.attempts() == 1));
      assertThat(refused.status())
          .isEqualTo(
              "disconnected: no echo server at "
                  + OnOffClient.hostPort(nowhere)
                  + "; retrying in 1 s");

      List<Long> delaysMillis = new ArrayList<>();
      for (int attempt = 2; attempt <= 8; attempt++) {
        long waited = 0;
        while (client.attempts() < attempt) {
          clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
          waited++;
          client.handle();
          assertThat(waited).as("attempt %d never started", attempt).isLessThan(60_000);
        }
        delaysMillis.add(waited);
        handleUntil(client, is(ConnectionState.DISCONNECTED));
      }
      assertThat(delaysMillis).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 8000L, 8000L);
      assertThat(client.screen().status()).endsWith("; retrying in 8 s");
    }
  }

  @Test
  void connectsWhenTheServerComesBackAndRetriesSoonAfterItGoesAway() throws Exception {
    InetSocketAddress address = unusedAddress();
    try (OnOffClient client = new OnOffClient(address, clock::get)) {
      handleUntil(client, is(ConnectionState.DISCONNECTED).and(s -> client.attempts() == 1));
      clock.addAndGet(OnOffClient.FIRST_RETRY.toNanos());
      handleUntil(client, is(ConnectionState.DISCONNECTED).and(s -> client.attempts() == 2));

      try (TestEchoServer server = new TestEchoServer(address.getPort())) {
        clock.addAndGet(OnOffClient.FIRST_RETRY.multipliedBy(2).toNanos());
        handleUntil(client, is(ConnectionState.CONNECTED));
        assertThat(client.attempts()).isEqualTo(3);

        // The client is connected once the kernel accepted; the server holds it a little later.
        waitFor(() -> server.accepted() == 1, "the server to accept");
        server.dropConnections();
        Screen gone = handleUntil(client, is(ConnectionState.DISCONNECTED));
        assertThat(gone.status()).startsWith("disconnected: ").endsWith("; retrying in 1 s");

        // The back-off started again from its first delay.
        clock.addAndGet(OnOffClient.FIRST_RETRY.toNanos());
        handleUntil(client, is(ConnectionState.CONNECTED));
        assertThat(client.attempts()).isEqualTo(4);
        client.buttonCommand();
        handleUntil(client, screen -> screen.lastEcho().equals("ON"));
      }
    }
  }

  @Test
  void saysTheServerClosedTheConnectionWhenItDoes() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnOffClient client =
            new OnOffClient((InetSocketAddress) listener.getLocalSocketAddress())) {
      listener.setSoTimeout((int) DEADLINE.toMillis());
      handleUntil(client, is(ConnectionState.CONNECTED));
      listener.accept().close();
      Screen gone = handleUntil(client, is(ConnectionState.DISCONNECTED));
      assertThat(gone.status())
          .startsWith("disconnected: the server closed the connection; retrying");
    }
  }

  @Test
  void saysTheConnectionBrokeWhenTheServerResetsIt() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnOffClient client =
            new OnOffClient((InetSocketAddress) listener.getLocalSocketAddress())) {
      listener.setSoTimeout((int) DEADLINE.toMillis());
      handleUntil(client, is(ConnectionState.CONNECTED));
      Socket peer = listener.accept();
      peer.setSoLinger(true, 0); // close() sends a reset instead of a FIN
      peer.close();
      Screen broken = handleUntil(client, is(ConnectionState.DISCONNECTED));
      assertThat(broken.status()).startsWith("disconnected: the connection broke (");
    }
  }

  @Test
  void aClickWhileDisconnectedTogglesTheButtonButIsNotSent() throws Exception {
    try (RefusingPort refusing = RefusingPort.open();
        OnOffClient client = new OnOffClient(refusing.address(), clock::get)) {
      handleUntil(client, is(ConnectionState.DISCONNECTED).and(s -> client.attempts() == 1));
      Screen clicked = client.buttonCommand();
      assertThat(clicked.on()).isTrue();
      assertThat(clicked.buttonText()).isEqualTo("ON");
      assertThat(clicked.notice()).isEqualTo("ON not sent: not connected");
      assertThat(client.hasPendingOutput()).isFalse();
    }
  }

  @Test
  void closingTheClientClosesTheSocketAndStopsRetrying() throws Exception {
    try (TestEchoServer server = new TestEchoServer()) {
      OnOffClient client = new OnOffClient(server.address(), clock::get);
      handleUntil(client, is(ConnectionState.CONNECTED));
      waitFor(() -> server.accepted() == 1, "the server to accept");

      assertThat(client.hasOpenSocket()).isTrue();
      client.close();
      assertThat(client.hasOpenSocket()).isFalse();
      waitFor(() -> server.ended() == 1, "the server to see the connection end");
      clock.addAndGet(OnOffClient.MAX_RETRY.multipliedBy(2).toNanos());
      Screen closed = client.handle();
      assertThat(closed.status()).isEqualTo("closed");
      assertThat(client.attempts()).isEqualTo(1);
      assertThat(client.buttonCommand().notice()).isEqualTo("ON not sent: the client is closed");
      client.close(); // idempotent
    }
  }

  @Test
  void refusesAnUnresolvedAddressBecauseResolvingCouldBlockTheWindow() {
    assertThatThrownBy(() -> new OnOffClient(InetSocketAddress.createUnresolved("example", 2500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: a resolved address");
  }

  private static byte[] ipv6Loopback() {
    byte[] address = new byte[16];
    address[15] = 1;
    return address;
  }

  @Test
  void namesTheServerAsGivenWithIpv6AddressesInBrackets() throws Exception {
    assertThat(
            OnOffClient.hostPort(
                new InetSocketAddress(Inet6Address.getByAddress(null, ipv6Loopback()), 2500)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:2500");
    assertThat(
            OnOffClient.hostPort(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 2500)))
        .isEqualTo("127.0.0.1:2500");
  }

  @Test
  void keepsReadingAcrossPollsWhenMoreArrivesThanOnePollReads() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OnOffClient client =
            new OnOffClient((InetSocketAddress) listener.getLocalSocketAddress())) {
      listener.setSoTimeout((int) DEADLINE.toMillis());
      handleUntil(client, is(ConnectionState.CONNECTED));
      try (Socket peer = listener.accept()) {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
          many.append(i % 2 == 0 ? "ON\n" : "OFF\n");
        }
        many.append("last\n");
        OutputStream out = peer.getOutputStream();
        out.write(many.toString().getBytes(US_ASCII));
        out.flush();
        Screen screen = handleUntil(client, s -> s.lastEcho().equals("last"));
        assertThat(screen.connection()).isEqualTo(ConnectionState.CONNECTED);
      }
    }
  }
}
