package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with {@link HttpServer#setSslContext}: a self-signed certificate made by keytool. */
@Timeout(60)
class HttpsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static SSLContext serverContext;
  private static SSLContext clientContext;

  @BeforeAll
  static void makeCertificate(@TempDir Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);
  }

  private static Running https() throws IOException {
    HttpServer server =
        new ThreadingHttpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), HttpServerTest.Hello::new);
    server.setSslContext(serverContext);
    return Running.serve(server);
  }

  @Test
  void servesPersistentRequestsOverTls() throws Exception {
    try (Running s = https();
        SSLSocket socket =
            (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", s.port())) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      socket
          .getOutputStream()
          .write(
              "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("hello /a").endsWith("hello /b");
    }
  }

  @Test
  void closesAPlainHttpClientOnATlsPortAndGoesOnServing() throws Exception {
    try (Running s = https()) {
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        plain.setSoTimeout(20_000);
        plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] answer = plain.getInputStream().readAllBytes();
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("hello");
      } catch (IOException reset) {
        // A reset is a close too.
      }
      try (SSLSocket socket =
          (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", s.port())) {
        socket.setSoTimeout(20_000);
        socket
            .getOutputStream()
            .write("GET /ok HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .endsWith("hello /ok");
      }
    }
  }

  @Test
  void sendsALargeFileThroughTlsNotAroundIt(@TempDir Path root) throws Exception {
    byte[] large = new byte[SimpleHttpRequestHandler.MAX_JOINED_FILE * 4 + 3];
    new java.util.Random(7).nextBytes(large);
    Files.write(root.resolve("large.bin"), large);
    HttpServer server =
        new ThreadingHttpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () ->
                new SimpleHttpRequestHandler(root) {
                  @Override
                  protected void logMessage(String format, Object... args) {}
                });
    server.setSslContext(serverContext);
    try (Running s = Running.serve(server);
        SSLSocket socket =
            (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", s.port())) {
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              "GET /large.bin HTTP/1.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] all = socket.getInputStream().readAllBytes();
      int headEnd = new String(all, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
      assertThat(headEnd).isGreaterThan(4);
      assertThat(java.util.Arrays.copyOfRange(all, headEnd, all.length))
          .as("the file, whole and encrypted like the head (sendfile would bypass TLS)")
          .isEqualTo(large);
    }
  }

  @Test
  void refusesToDetachATlsConnectionAndTheHandlerStreamsOnItsThread() throws Exception {
    java.util.concurrent.BlockingQueue<DetachTest.Handed> handed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.BlockingQueue<String> refusals =
        new java.util.concurrent.LinkedBlockingQueue<>();
    HttpServer server =
        new ThreadingHttpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> new DetachTest.Detaching(handed, refusals));
    server.setSslContext(serverContext);
    try (Running s = Running.serve(server);
        SSLSocket socket =
            (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", s.port())) {
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").endsWith("streamed here instead\n");
      assertThat(refusals.poll(20, TimeUnit.SECONDS)).contains("TLS");
      assertThat(handed).isEmpty();
    }
  }
}
