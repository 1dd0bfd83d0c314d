package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.server.DetachedConnection;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.RawHttpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link BaseHttpRequestHandler#detach()}: a response that leaves its request thread. */
@Timeout(60)
class DetachTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A connection handed over, and the thread that handled its request. */
  record Handed(DetachedConnection connection, Thread thread) {}

  /**
   * {@code GET /stream}: writes a head without a length, detaches and hands the connection to the
   * test; {@code GET /early}: tries to detach before the head and answers 500 with the refusal;
   * {@code HEAD /stream}: tries to detach a response without a body; anything else: "hello". A
   * refused detach of {@code /stream} (over TLS) writes the body on the request thread instead.
   */
  static final class Detaching extends BaseHttpRequestHandler {
    final BlockingQueue<Handed> handed;
    final BlockingQueue<String> refusals;

    Detaching(BlockingQueue<Handed> handed, BlockingQueue<String> refusals) {
      this.handed = handed;
      this.refusals = refusals;
    }

    @Override
    protected void doGET() throws IOException {
      switch (path()) {
        case "/stream" -> stream();
        case "/early" -> {
          try {
            detach();
          } catch (IllegalStateException e) {
            refusals.add(e.getMessage());
            sendError(500, "Refused", e.getMessage());
          }
        }
        default -> sendBody(200, "text/plain", "hello".getBytes(StandardCharsets.US_ASCII));
      }
    }

    @Override
    protected void doHEAD() throws IOException {
      sendResponse(200);
      sendHeader("Content-Type", "text/plain");
      endHeaders();
      try {
        detach();
      } catch (IllegalStateException e) {
        refusals.add(e.getMessage());
      }
    }

    private void stream() throws IOException {
      sendResponse(200);
      sendHeader("Content-Type", "text/plain");
      endHeaders();
      DetachedConnection connection;
      try {
        connection = detach();
      } catch (IllegalStateException e) { // over TLS
        refusals.add(e.getMessage());
        wfile.write("streamed here instead\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      handed.add(new Handed(connection, Thread.currentThread()));
    }

    @Override
    protected void logMessage(String format, Object... args) {}
  }

  private final BlockingQueue<Handed> handed = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();

  private HttpServer server(boolean threading) throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    return threading
        ? new ThreadingHttpServer(any, () -> new Detaching(handed, refusals))
        : new HttpServer(any, () -> new Detaching(handed, refusals));
  }

  private Handed take() throws InterruptedException {
    Handed h = handed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(h).as("a connection was handed over").isNotNull();
    return h;
  }

  private static RawHttpClient openStream(Running s) throws IOException {
    RawHttpClient client = s.client();
    client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    RawHttpClient.Response head = client.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Connection")).isEqualTo("close"); // no length: ends with the connection
    return client;
  }

  private static void write(DetachedConnection connection, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    while (bytes.hasRemaining()) {
      connection.channel().write(bytes);
    }
  }

  private static void awaitActive(HttpServer server, int count) throws Exception {
    Await.until(
        WAIT,
        () -> server.activeConnections() == count,
        () -> count + " active connections; " + server.activeConnections() + " now");
  }

  @ParameterizedTest(name = "threading={0}")
  @ValueSource(booleans = {true, false})
  void aDetachedConnectionIsWrittenFromAnotherThreadAfterItsRequestThreadEnded(boolean threading)
      throws Exception {
    try (Running s = Running.serve(server(threading));
        RawHttpClient client = openStream(s)) {
      Handed h = take();
      if (threading) {
        h.thread().join(WAIT.toMillis());
        assertThat(h.thread().isAlive()).as("the request thread has ended").isFalse();
      } else {
        // The serving thread handled it and is free again: another client is served meanwhile.
        try (RawHttpClient other = s.client()) {
          assertThat(other.get("/hello").text()).isEqualTo("hello");
        }
      }
      assertThat(Thread.currentThread()).isNotSameAs(h.thread());
      write(h.connection(), "first\n");
      assertThat(client.readLine()).isEqualTo("first");
      write(h.connection(), "second\n");
      assertThat(client.readLine()).isEqualTo("second");
      assertThat(h.connection().isOpen()).isTrue();
      awaitActive(s.server, 1); // the other client's connection ends as it closes; this one stays

      h.connection().close();
      assertThat(client.readAll()).isEmpty(); // end of stream, nothing else from the server
      assertThat(h.connection().isOpen()).isFalse();
      awaitActive(s.server, 0);
      h.connection().close(); // idempotent
      assertThat(s.server.activeConnections()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"perClient", "global"})
  void theLimitsCountADetachedConnectionUntilItIsClosed(String limit) throws Exception {
    HttpServer server = server(true);
    if (limit.equals("perClient")) {
      server.setMaxConnectionsPerClient(2);
    } else {
      server.setMaxConnections(2);
    }
    // Each stream's hand-over is taken before the next stream opens: a client sees the head before
    // its handler hands the connection over, so two handlers could otherwise hand over in either
    // order.
    try (Running s = Running.serve(server);
        RawHttpClient first = openStream(s)) {
      Handed a = take();
      try (RawHttpClient second = openStream(s)) {
        Handed b = take();
        a.thread().join(WAIT.toMillis());
        b.thread().join(WAIT.toMillis());
        assertThat(a.thread().isAlive() || b.thread().isAlive()).isFalse();
        assertThat(server.activeConnections()).isEqualTo(2);
        try (RawHttpClient third = s.client()) {
          assertThat(third.send("GET /hello HTTP/1.1\r\n\r\n").read().status()).isEqualTo(503);
        }

        a.connection().close();
        assertThat(first.readAll()).isEmpty();
        awaitActive(server, 1);
        try (RawHttpClient fourth = s.client()) {
          assertThat(fourth.get("/hello").status()).isEqualTo(200);
        }
        b.connection().close();
        assertThat(second.readAll()).isEmpty();
        awaitActive(server, 0);
      }
    }
  }

  @Test
  void closingTheServerClosesItsDetachedConnections() throws Exception {
    HttpServer server = server(true);
    Running s = Running.serve(server);
    try (RawHttpClient client = openStream(s)) {
      Handed h = take();
      h.thread().join(WAIT.toMillis());
      s.close();
      assertThat(client.readAll()).as("the client sees the end of the stream").isEmpty();
      assertThat(h.connection().isOpen()).isFalse();
      assertThat(h.connection().channel().isOpen()).isFalse();
      assertThat(server.activeConnections()).isZero();
      h.connection().close(); // the owner's close after the server's is harmless
    }
  }

  @Test
  void refusesToDetachBeforeTheHeadIsWrittenOrWhenTheResponseHasNoBody() throws Exception {
    try (Running s = Running.serve(server(true));
        RawHttpClient client = s.client()) {
      RawHttpClient.Response early = client.get("/early");
      assertThat(early.status()).isEqualTo(500);
      assertThat(refusals.take()).contains("before the response head was ended");

      try (RawHttpClient head = s.client()) {
        head.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(head.read(true).status()).isEqualTo(200);
        assertThat(refusals.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("no body");
      }
      assertThat(handed).isEmpty();
      awaitActive(s.server, 0);
    }
  }
}
