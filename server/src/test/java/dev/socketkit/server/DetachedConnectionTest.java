package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link StreamRequestHandler#detach()} on a plain TCP server, for every threading choice. */
@Timeout(30)
class DetachedConnectionTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** Writes "hello", detaches, tries to detach again, and hands the connection to the test. */
  static final class Handing extends StreamRequestHandler {
    final BlockingQueue<Object> out;

    Handing(BlockingQueue<Object> out) {
      this.out = out;
    }

    @Override
    protected void handle() throws IOException {
      wfile.write("hello\n".getBytes(US_ASCII));
      DetachedConnection connection = detach();
      out.add(connection);
      try {
        detach();
      } catch (IllegalStateException e) {
        out.add(e);
      }
    }
  }

  private static DetachedConnection take(BlockingQueue<Object> out) throws InterruptedException {
    Object first = out.poll(10, TimeUnit.SECONDS);
    assertThat(first).isInstanceOf(DetachedConnection.class);
    assertThat(out.poll(10, TimeUnit.SECONDS))
        .as("a second detach is refused")
        .isInstanceOf(IllegalStateException.class);
    return (DetachedConnection) first;
  }

  private static String line(InputStream in) throws IOException {
    return Clients.readLine(in);
  }

  @ParameterizedTest
  @MethodSource("dev.socketkit.server.TcpServerTest#threadings")
  void theServerLeavesADetachedConnectionOpenUntilItsOwnerClosesIt(Threading threading)
      throws Exception {
    BlockingQueue<Object> out = new LinkedBlockingQueue<>();
    try (TcpServer server = new TcpServer(ANY_PORT, () -> new Handing(out));
        Serving serving = Serving.start(server);
        Socket client = new Socket()) {
      server.setThreading(threading);
      client.connect(serving.address(), 5_000);
      client.setSoTimeout(10_000);
      assertThat(line(client.getInputStream())).isEqualTo("hello");
      DetachedConnection connection = take(out);
      Await.until(
          Duration.ofSeconds(10),
          () -> server.activeRequestThreads() == 0,
          () -> "the request thread ended; " + server.activeRequestThreads() + " running");
      assertThat(connection.isOpen()).isTrue();
      assertThat(server.detachedRequests()).isEqualTo(1);
      connection.channel().write(ByteBuffer.wrap("later\n".getBytes(US_ASCII)));
      assertThat(line(client.getInputStream())).isEqualTo("later");

      connection.close();
      assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
      assertThat(connection.isOpen()).isFalse();
      assertThat(server.detachedRequests()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.socketkit.server.TcpServerTest#threadings")
  void closingTheServerClosesADetachedConnection(Threading threading) throws Exception {
    BlockingQueue<Object> out = new LinkedBlockingQueue<>();
    TcpServer server = new TcpServer(ANY_PORT, () -> new Handing(out));
    server.setThreading(threading);
    try (Socket client = new Socket()) {
      try (Serving serving = Serving.start(server)) {
        client.connect(serving.address(), 5_000);
        client.setSoTimeout(10_000);
        assertThat(line(client.getInputStream())).isEqualTo("hello");
        DetachedConnection connection = take(out);
        server.close();
        assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.detachedRequests()).isZero();
        assertThatThrownBy(() -> connection.channel().write(ByteBuffer.allocate(1)))
            .isInstanceOf(IOException.class);
      }
    }
  }
}
