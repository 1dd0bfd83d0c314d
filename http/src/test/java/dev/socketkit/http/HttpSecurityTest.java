package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.http.internal.StaticFiles;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MisbehavingPeer;
import dev.socketkit.testkit.RawHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks on the http layer from a hostile network, one test each, made over real loopback
 * sockets: each fails without the defence it names.
 */
@Timeout(60)
class HttpSecurityTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static HttpServer hello() throws IOException {
    return new ThreadingHttpServer(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), QuietHello::new);
  }

  private static HttpServer files(Path root) throws IOException {
    return files(root, () -> {});
  }

  /** Serves {@code root} without log lines; {@code onGet} runs as each GET begins. */
  private static HttpServer files(Path root, Runnable onGet) throws IOException {
    return new ThreadingHttpServer(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        () ->
            new SimpleHttpRequestHandler(root) {
              @Override
              protected void doGET() throws IOException {
                onGet.run();
                super.doGET();
              }

              @Override
              protected void logMessage(String format, Object... args) {}
            });
  }

  /** {@link HttpServerTest.Hello} without its log lines. */
  static class QuietHello extends HttpServerTest.Hello {
    @Override
    protected void logMessage(String format, Object... args) {}
  }

  @Test
  void tlsClientHelloTrickledAByteAtATimeIsClosedAtTheHeaderDeadline() throws Exception {
    HttpServer server = hello();
    // The handshake never completes, so the server needs no certificate for this attack.
    server.setSslContext(SSLContext.getDefault());
    server.setHeaderTimeout(Duration.ofSeconds(1));
    try (Running s = Running.serve(server);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
      // A TLS handshake record announcing 512 bytes, which then come one at a time.
      byte[] hello = new byte[5 + 512];
      hello[0] = 0x16;
      hello[1] = 0x03;
      hello[2] = 0x01;
      hello[3] = 0x02;
      hello[4] = 0x00;
      socket.setSoTimeout(300); // the client's pace: a byte, then 300 ms of listening
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < hello.length && !closed; i++) {
        try {
          out.write(hello[i]);
          out.flush();
          closed = in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
          // The server is still waiting for the rest: trickle on.
        } catch (IOException reset) {
          closed = true;
        }
      }
      Duration held = Duration.ofNanos(System.nanoTime() - start);
      assertThat(closed).as("closed by the server before the ClientHello was complete").isTrue();
      assertThat(held)
          .as("one deadline for the whole handshake, not one per byte")
          .isLessThan(Duration.ofSeconds(5));
      Await.until(WAIT, () -> server.activeConnections() == 0, () -> "the slot is given back");
    }
  }

  @Test
  void requestHeadOf40KibOfHeadersIsAnswered431() throws Exception {
    try (Running s = Running.serve(hello());
        RawHttpClient client = s.client()) {
      StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: test\r\n");
      for (int i = 0; i < 40; i++) {
        head.append("X-Filler-").append(i).append(": ").append("a".repeat(1_000)).append("\r\n");
      }
      client.send(head.append("\r\n").toString());
      RawHttpClient.Response response = client.read();
      assertThat(response.status()).isEqualTo(431);
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void sixtyConnectionsFromOneAddressOverALimitOf50GetThe503WhileAnExistingOneIsServed()
      throws Exception {
    HttpServer server = hello();
    server.setMaxConnectionsPerClient(50);
    List<RawHttpClient> clients = new ArrayList<>();
    try (Running s = Running.serve(server)) {
      try {
        for (int i = 0; i < 50; i++) {
          RawHttpClient client = s.client();
          clients.add(client);
          assertThat(client.get("/" + i).status()).isEqualTo(200); // counted and kept open
        }
        for (int i = 50; i < 60; i++) {
          try (RawHttpClient extra = s.client()) {
            RawHttpClient.Response response = extra.get("/extra");
            assertThat(response.status()).as("connection %d", i).isEqualTo(503);
            assertThat(response.header("Retry-After")).isNotNull();
          }
        }
        assertThat(clients.get(0).get("/still").text()).isEqualTo("hello /still");
      } finally {
        for (RawHttpClient client : clients) {
          client.close();
        }
      }
      Await.until(WAIT, () -> server.activeConnections() == 0, () -> "every slot is given back");
      try (RawHttpClient again = s.client()) {
        assertThat(again.get("/again").status()).as("the count went back down").isEqualTo(200);
      }
    }
  }

  @Test
  void clientThatRequestsA50MbFileAndNeverReadsIsClosedAtTheWriteDeadline(@TempDir Path root)
      throws Exception {
    try (RandomAccessFile large = new RandomAccessFile(root.resolve("large.bin").toFile(), "rw")) {
      large.setLength(50L << 20);
    }
    // A latch, not a polled connection count, says that the download began: a count sampled now
    // and then could miss a connection that ended at once, and then nothing would say which.
    CountDownLatch serving = new CountDownLatch(1);
    HttpServer server = files(root, serving::countDown);
    server.setWriteTimeout(Duration.ofSeconds(1));
    try (Running s = Running.serve(server);
        MisbehavingPeer peer = MisbehavingPeer.neverReading(s.port())) {
      peer.send("GET /large.bin HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(serving.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("the request reaches its handler")
          .isTrue();
      assertThat(server.activeConnections())
          .as("the download holds its connection until the write deadline")
          .isEqualTo(1);
      Await.until(
          WAIT, () -> server.activeConnections() == 0, () -> "the stuck download is closed");
    }
  }

  @Test
  void sendBodyOf16MbToAClientThatNeverReadsIsClosedAtTheWriteDeadline() throws Exception {
    byte[] body = new byte[16 << 20];
    HttpServer server =
        new ThreadingHttpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () ->
                new QuietHello() {
                  @Override
                  protected void doGET() throws IOException {
                    sendBody(200, "application/octet-stream", body);
                  }
                });
    server.setWriteTimeout(Duration.ofSeconds(1));
    try (Running s = Running.serve(server);
        MisbehavingPeer peer = MisbehavingPeer.neverReading(s.port())) {
      peer.send("GET /big HTTP/1.1\r\nHost: test\r\n\r\n");
      Await.until(WAIT, () -> server.activeConnections() == 1, () -> "the answer begins");
      Await.until(WAIT, () -> server.activeConnections() == 0, () -> "the stuck answer is closed");
    }
  }

  @Test
  void symlinkInsideTheDirectoryPointingOutsideIsRefused(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectory(dir.resolve("root"));
    Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(root.resolve("link.txt"), secret);
    try (Running s = Running.serve(files(root.toRealPath()));
        RawHttpClient client = s.client()) {
      RawHttpClient.Response response = client.get("/link.txt");
      assertThat(response.status()).isEqualTo(404);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("secret");
    }
  }

  @Test
  void fileSwappedForASymlinkAfterItsCheckIsNotOpened(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectory(dir.resolve("root")).toRealPath();
    Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.writeString(root.resolve("a.txt"), "public");
    Path checked = StaticFiles.translate(root, "/a.txt");
    assertThat(checked).isNotNull();
    // The race, made deterministic: between the check and the opening, a link replaces the file.
    Files.delete(checked);
    Files.createSymbolicLink(checked, secret);
    assertThatThrownBy(() -> StaticFiles.open(root, checked))
        .isInstanceOf(NoSuchFileException.class);
  }
}
