package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.RawHttpClient;
import dev.socketkit.testkit.RawHttpClient.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's promises beyond CPython's tests: persistence, bad input, limits, streaming. */
@Timeout(60)
class HttpServerTest {
  /** Answers GET /x with "hello x" (framed) and HEAD like GET; 204 and 304 with a stray body. */
  static class Hello extends BaseHttpRequestHandler {
    @Override
    protected void doGET() throws IOException {
      switch (path()) {
        case "/204" -> {
          sendResponse(204);
          endHeaders();
          wfile.write("stray".getBytes(StandardCharsets.US_ASCII)); // must not reach the client
        }
        case "/304" -> {
          sendResponse(304);
          endHeaders();
          wfile.write("stray".getBytes(StandardCharsets.US_ASCII));
        }
        default -> {
          byte[] body = ("hello " + path()).getBytes(StandardCharsets.UTF_8);
          sendResponse(200);
          sendHeader("Content-Type", "text/plain");
          sendHeader("Content-Length", String.valueOf(body.length));
          endHeaders();
          wfile.write(body);
        }
      }
    }

    @Override
    protected void doHEAD() throws IOException {
      doGET();
    }

    @Override
    protected void doPOST() throws IOException {
      int length = Integer.parseInt(headers().get("Content-Length", "0"));
      byte[] body = rfile.readNBytes(length);
      sendResponse(200);
      sendHeader("Content-Length", String.valueOf(body.length));
      endHeaders();
      wfile.write(body);
    }

    @Override
    protected void logMessage(String format, Object... args) {}
  }

  private static Running hello() throws IOException {
    return Running.threading(Hello::new);
  }

  private static HttpServer helloServer() throws IOException {
    return new ThreadingHttpServer(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Hello::new);
  }

  /** Another client is served normally: one bad connection harms no one else. */
  private static void assertStillServes(Running s) throws IOException {
    try (RawHttpClient other = s.client()) {
      assertThat(other.get("/other").text()).isEqualTo("hello /other");
    }
  }

  @Test
  void servesPipelinedRequestsInOrderOnOneConnection() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      String pipelined = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
      pipelined += "POST /c HTTP/1.1\r\nContent-Length: 4\r\n\r\nbodyGET /d HTTP/1.1\r\n\r\n";
      client.send(pipelined);
      assertThat(client.read().text()).isEqualTo("hello /a");
      assertThat(client.read().text()).isEqualTo("hello /b");
      assertThat(client.read().text()).isEqualTo("body");
      Response last = client.read();
      assertThat(last.text()).isEqualTo("hello /d");
      assertThat(last.header("Connection")).isNull();
      assertThat(client.get("/e").text()).isEqualTo("hello /e"); // still open
    }
  }

  @Test
  void closesAfterConnectionClose() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      Response r = client.send("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n").read();
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void closesAfterAnHttp10RequestUnlessItAsksForKeepAlive() throws Exception {
    try (Running s = hello()) {
      try (RawHttpClient client = s.client()) {
        assertThat(client.send("GET /a HTTP/1.0\r\n\r\n").read().text()).isEqualTo("hello /a");
        assertThat(client.closedByServer()).isTrue();
      }
      try (RawHttpClient client = s.client()) {
        Response r = client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
        assertThat(r.header("Connection")).isEqualTo("keep-alive");
        assertThat(client.send("GET /b HTTP/1.0\r\n\r\n").read().text()).isEqualTo("hello /b");
        assertThat(client.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void answersHeadWithTheHeadersOfGetAndNoBody() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      Response head = client.send("HEAD /abc HTTP/1.1\r\n\r\n").read(true);
      assertThat(head.header("Content-Length")).isEqualTo("10");
      // Had the body been sent, this response would read "hello /abc" as its status line.
      assertThat(client.get("/next").text()).isEqualTo("hello /next");
    }
  }

  @ParameterizedTest
  @CsvSource({"/204,204", "/304,304"})
  void sendsNoBodyWith204Or304EvenIfTheHandlerWritesOne(String path, int status) throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      assertThat(client.get(path).status()).isEqualTo(status);
      assertThat(client.get("/next").text()).isEqualTo("hello /next");
    }
  }

  @Test
  void skipsAnEmptyLineBeforeARequest() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      assertThat(client.send("\r\nGET /a HTTP/1.1\r\n\r\n").read().text()).isEqualTo("hello /a");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed request line|GET /a b c HTTP/1.1\\r\\n\\r\\n|400",
        "malformed version|GET / HTTP/1.x\\r\\n\\r\\n|400",
        "HTTP/2.0|GET / HTTP/2.0\\r\\n\\r\\n|505",
        "HTTP/3.0|GET / HTTP/3.0\\r\\n\\r\\n|505",
        "unknown method|BREW /pot HTTP/1.1\\r\\n\\r\\n|501",
        "header without colon|GET / HTTP/1.1\\r\\nNoColon\\r\\n\\r\\n|400",
        "obsolete folding|GET / HTTP/1.1\\r\\nX: a\\r\\n b\\r\\n\\r\\n|400",
        "smuggling|POST / HTTP/1.1\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400",
      })
  void answersBadInputClosesAndServesOthers(String what, String request, int status)
      throws Exception {
    try (Running s = hello();
        RawHttpClient bad = s.client()) {
      Response r = bad.send(request.replace("\\r\\n", "\r\n")).read();
      assertThat(r.status()).as(what).isEqualTo(status);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(bad.closedByServer()).isTrue();
      assertStillServes(s);
    }
  }

  @Test
  void answersA64KibRequestLineWith414AndServesOthers() throws Exception {
    try (Running s = hello();
        RawHttpClient bad = s.client()) {
      Response r = bad.send("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(414);
      assertStillServes(s);
    }
  }

  @Test
  void answersA64KibHeaderLineWith431AndServesOthers() throws Exception {
    try (Running s = hello();
        RawHttpClient bad = s.client()) {
      Response r = bad.send("GET / HTTP/1.1\r\nX: " + "a".repeat(70_000) + "\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(431);
      assertStillServes(s);
    }
  }

  @Test
  void answers101HeadersWith431AndServesOthers() throws Exception {
    try (Running s = hello();
        RawHttpClient bad = s.client()) {
      Response r = bad.send("GET / HTTP/1.1\r\n" + "X: a\r\n".repeat(101) + "\r\n").read();
      assertThat(r.status()).isEqualTo(431);
      assertStillServes(s);
    }
  }

  @Test
  void answersRandomBytesWith400AndServesOthers() throws Exception {
    Random random = new Random(20_260_101L);
    try (Running s = hello()) {
      for (int i = 0; i < 5; i++) {
        byte[] garbage = new byte[512];
        random.nextBytes(garbage);
        garbage[0] = 0; // not a method, whatever the rest is
        garbage[garbage.length - 1] = '\n';
        try (RawHttpClient bad = s.client()) {
          assertThat(bad.send(garbage).read().status()).isEqualTo(400);
          assertThat(bad.closedByServer()).isTrue();
        }
      }
      assertStillServes(s);
    }
  }

  @Test
  void answersASlowLorisWith408AtTheHeaderDeadline() throws Exception {
    HttpServer server = helloServer();
    server.setHeaderTimeout(Duration.ofMillis(500));
    try (Running s = Running.serve(server);
        RawHttpClient loris = s.client()) {
      loris.send("GET / HTTP/1.1\r\n");
      // One byte every 100 ms: each read succeeds long before a per-read timeout would fire;
      // only a deadline for the whole head ends this.
      long start = System.nanoTime();
      try {
        for (int i = 0; i < 200; i++) {
          loris.send("X");
          Thread.sleep(100); // the attack's pace, not synchronisation
        }
      } catch (IOException expected) {
        // The server closed the connection while we were still trickling: the 408 is buffered.
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
      Response r = loris.read();
      assertThat(r.status()).isEqualTo(408);
      assertStillServes(s);
    } catch (IOException reset) {
      throw new AssertionError("the 408 was lost", reset);
    }
  }

  @Test
  void closesASilentNewConnectionAtTheHeaderDeadlineWithoutAnAnswer() throws Exception {
    HttpServer server = helloServer();
    server.setHeaderTimeout(Duration.ofMillis(300));
    try (Running s = Running.serve(server);
        RawHttpClient silent = s.client()) {
      // No 408: a browser's unused preconnected socket would read it as its next answer.
      assertThat(silent.readAll()).isEmpty();
      assertStillServes(s);
    }
  }

  @Test
  void answers408WhenOnlyPartOfTheRequestLineArrivesInTime() throws Exception {
    HttpServer server = helloServer();
    server.setHeaderTimeout(Duration.ofMillis(300));
    try (Running s = Running.serve(server);
        RawHttpClient slow = s.client()) {
      assertThat(slow.send("GET /half").read().status()).isEqualTo(408);
      assertThat(slow.closedByServer()).isTrue();
    }
  }

  @Test
  void closesAnIdlePersistentConnectionWithoutAWord() throws Exception {
    HttpServer server = helloServer();
    server.setIdleTimeout(Duration.ofMillis(300));
    try (Running s = Running.serve(server);
        RawHttpClient client = s.client()) {
      assertThat(client.get("/a").status()).isEqualTo(200);
      assertThat(client.closedByServer()).isTrue(); // blocks until the idle timeout closes it
      assertStillServes(s);
    }
  }

  @Test
  void answers408WhenTheNextRequestOnAPersistentConnectionStallsHalfWay() throws Exception {
    // The wait for the next request has no socket timeout (the watchdog ends it); once a byte has
    // arrived, the head's own deadline applies as on a new connection.
    HttpServer server = helloServer();
    server.setHeaderTimeout(Duration.ofMillis(300));
    server.setIdleTimeout(Duration.ofSeconds(30));
    try (Running s = Running.serve(server);
        RawHttpClient client = s.client()) {
      assertThat(client.get("/a").status()).isEqualTo(200);
      assertThat(client.send("GET /half").read().status()).isEqualTo(408);
      assertThat(client.closedByServer()).isTrue();
      assertStillServes(s);
    }
  }

  @Test
  void answers503AboveMaxConnectionsAndServesAgainWhenOneCloses() throws Exception {
    HttpServer server = helloServer();
    server.setMaxConnections(2);
    try (Running s = Running.serve(server)) {
      RawHttpClient first = s.client();
      RawHttpClient second = s.client();
      assertThat(first.get("/1").status()).isEqualTo(200);
      assertThat(second.get("/2").status()).isEqualTo(200);
      try (RawHttpClient third = s.client()) {
        Response r = third.send("GET /3 HTTP/1.1\r\n\r\n").read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(third.closedByServer()).isTrue();
      }
      first.send("GET /bye HTTP/1.1\r\nConnection: close\r\n\r\n").read();
      assertThat(first.closedByServer()).isTrue();
      first.close();
      awaitActive(server, 1);
      try (RawHttpClient fourth = s.client()) {
        assertThat(fourth.get("/4").status()).isEqualTo(200);
      }
      second.close();
    }
  }

  private static void awaitActive(HttpServer server, int count) throws Exception {
    Await.until(
        Duration.ofSeconds(10),
        () -> server.activeConnections() <= count,
        () -> "at most " + count + " active connections; " + server.activeConnections() + " now");
  }

  /** Writes a part, waits for the test to have received it, writes the next: nothing buffered. */
  static final class Stream extends BaseHttpRequestHandler {
    static final List<CountDownLatch> RECEIVED = new ArrayList<>();

    @Override
    protected void doGET() throws IOException {
      sendResponse(200);
      sendHeader("Content-Type", "multipart/x-mixed-replace; boundary=FRAME");
      endHeaders();
      for (CountDownLatch received : RECEIVED) {
        wfile.write("--FRAME\r\n".getBytes(StandardCharsets.US_ASCII));
        sendHeader("Content-Type", "text/plain");
        sendHeader("Content-Length", "5");
        endHeaders();
        wfile.write("part\n".getBytes(StandardCharsets.US_ASCII));
        try {
          if (!received.await(20, TimeUnit.SECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    protected void logMessage(String format, Object... args) {}
  }

  @Test
  void streamsEachPartAsItIsWrittenWithoutBuffering() throws Exception {
    Stream.RECEIVED.clear();
    for (int i = 0; i < 3; i++) {
      Stream.RECEIVED.add(new CountDownLatch(1));
    }
    try (Running s = Running.threading(Stream::new);
        RawHttpClient client = s.client()) {
      client.send("GET /stream.mjpg HTTP/1.1\r\n\r\n");
      assertThat(client.readLine()).isEqualTo("HTTP/1.1 200 OK");
      while (!client.readLine().isEmpty()) {
        // skip the response headers
      }
      for (CountDownLatch received : Stream.RECEIVED) {
        assertThat(client.readLine()).isEqualTo("--FRAME");
        assertThat(client.readLine()).isEqualTo("Content-Type: text/plain");
        assertThat(client.readLine()).isEqualTo("Content-Length: 5");
        assertThat(client.readLine()).isEmpty();
        assertThat(client.readLine()).isEqualTo("part");
        received.countDown(); // only now does the handler write the next part
      }
    }
  }

  @Test
  void closingTheServerEndsAStreamThatWouldRunForever() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    BaseHttpRequestHandler forever =
        new BaseHttpRequestHandler() {
          @Override
          protected void doGET() throws IOException {
            sendResponse(200);
            endHeaders();
            started.countDown();
            byte[] chunk = new byte[8192];
            while (true) {
              wfile.write(chunk); // blocks once the client stops reading
            }
          }

          @Override
          protected void logMessage(String format, Object... args) {}
        };
    RawHttpClient client;
    try (Running s = Running.threading(() -> forever)) {
      client = s.client();
      client.send("GET / HTTP/1.1\r\n\r\n");
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }
    try (client;
        InputStream in = client.socket().getInputStream()) {
      byte[] buffer = new byte[65_536];
      while (in.read(buffer) >= 0) {
        // drain until the server's close reaches us
      }
    } catch (IOException reset) {
      // A reset is an end too.
    }
  }

  @Test
  void skipsABodyTheHandlerDidNotReadAndServesTheNextPipelinedRequest() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      String pipelined = "GET /a HTTP/1.1\r\nContent-Length: 11\r\n\r\nGET /evil\r\n";
      pipelined += "GET /b HTTP/1.1\r\n\r\n";
      client.send(pipelined);
      assertThat(client.read().text()).isEqualTo("hello /a");
      assertThat(client.read().text()).isEqualTo("hello /b"); // not a response to "GET /evil"
    }
  }

  @Test
  void givesTheHandlerOnlyItsOwnBodyInRfile() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      // The POST handler reads Content-Length bytes; with a shorter header it must not get more.
      client.send("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /next HTTP/1.1\r\n\r\n");
      assertThat(client.read().text()).isEqualTo("abc");
      assertThat(client.read().text()).isEqualTo("hello /next");
    }
  }

  @Test
  void closesInsteadOfSkippingAnUnreadBodyOverOneMebibyte() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      Response r = client.send("GET /a HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("hello /a");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void closesWhenAnAnnouncedBodyNeverComes() throws Exception {
    HttpServer server = helloServer();
    server.setIdleTimeout(Duration.ofMillis(300));
    try (Running s = Running.serve(server);
        RawHttpClient client = s.client()) {
      Response r = client.send("GET /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n").read();
      assertThat(r.text()).isEqualTo("hello /a");
      assertThat(client.closedByServer()).isTrue();
      assertStillServes(s);
    }
  }

  @Test
  void passesRequestBodiesThroughRfile() throws Exception {
    try (Running s = hello();
        RawHttpClient client = s.client()) {
      String body = "x".repeat(100_000);
      Response r =
          client
              .send("POST / HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
              .read();
      assertThat(r.text()).isEqualTo(body);
    }
  }
}
