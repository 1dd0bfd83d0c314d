package dev.socketkit.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.RawHttpClient;
import dev.socketkit.testkit.RawHttpClient.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPython's {@code Lib/test/test_httpservers.py} cases for {@code BaseHTTPRequestHandler}
 * (BaseHTTPServerTestCase, RequestHandlerLoggingTestCase, BaseHTTPRequestHandlerTestCase), ported
 * to real loopback sockets.
 */
@Timeout(30)
class BaseHttpRequestHandlerTest {
  private static final String DATA = "<html><body>Data</body></html>\r\n";

  /** CPython's BaseHTTPServerTestCase.request_handler: custom methods, no do_GET. */
  static class Custom extends BaseHttpRequestHandler {
    final BlockingQueue<String> log;

    Custom(BlockingQueue<String> log) {
      this.log = log;
    }

    @Override
    @SuppressWarnings("AnnotateFormatMethod") // the annotation is Error Prone's, not the JDK's
    protected void logMessage(String format, Object... args) {
      log.add(String.format(java.util.Locale.ROOT, format, args));
    }

    @Override
    protected void doExtensionMethod() throws IOException {
      switch (command()) {
        case "TEST" -> {
          sendResponse(204);
          sendHeader("Content-Type", "text/html");
          sendHeader("Connection", "close");
          endHeaders();
        }
        case "KEEP" -> {
          sendResponse(204);
          sendHeader("Content-Type", "text/html");
          sendHeader("Connection", "keep-alive");
          endHeaders();
        }
        case "KEYERROR" -> sendError(999);
        case "NOTFOUND" -> sendError(404);
        case "EXPLAINERROR" -> sendError(999, "Short Message", "This is a long \n explanation");
        case "CUSTOM" -> {
          sendResponse(999);
          sendHeader("Content-Type", "text/html");
          sendHeader("Connection", "close");
          endHeaders();
        }
        case "LATINONEHEADER" -> {
          sendResponse(999);
          sendHeader("X-Special", "Dängerous Mind");
          sendHeader("Connection", "close");
          endHeaders();
          wfile.write(headers().get("x-special-incoming").getBytes(StandardCharsets.UTF_8));
        }
        case "ERROR" -> sendError(404, "File not found");
        default -> super.doExtensionMethod();
      }
    }
  }

  /** CPython's SocketlessRequestHandler: a do_GET sending a page without Content-Length. */
  static class Data extends Custom {
    volatile boolean getCalled;

    Data(BlockingQueue<String> log) {
      super(log);
    }

    @Override
    protected void doGET() throws IOException {
      getCalled = true;
      sendResponse(200);
      sendHeader("Content-Type", "text/html");
      endHeaders();
      wfile.write(DATA.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** CPython's RejectingSocketlessRequestHandler. */
  static final class Rejecting extends Data {
    Rejecting(BlockingQueue<String> log) {
      super(log);
    }

    @Override
    protected boolean handleExpect100() throws IOException {
      sendError(417);
      return false;
    }
  }

  private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

  private Running custom() throws IOException {
    return Running.threading(() -> new Custom(log));
  }

  private Response exchange(Running running, String request) throws IOException {
    try (RawHttpClient client = running.client()) {
      return client.send(request).read();
    }
  }

  // ---- BaseHTTPServerTestCase

  @Test
  void answersGetWithoutADoGetWith501() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(r.status()).isEqualTo(501);
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 501 Unsupported method ('GET')");
    }
  }

  @Test
  void trimsTheLineEndOfTheRequestLine() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "XYZBOGUS / HTTP/1.1\n\r\n").status()).isEqualTo(501);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FUBAR",
        "HTTP/9.9.9",
        "HTTP/-9_9_9.+9_9_9",
        "HTTP/909876543210.0",
        "HTTP/1.909876543210",
        "HTTP/1.1x"
      })
  void answersABogusVersionWith400(String version) throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "GET / " + version + "\r\nHost: a\r\n\r\n").status()).isEqualTo(400);
    }
  }

  @Test
  void treatsGetWithoutAVersionAsHttp09AndAnswers501() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "GET /\r\n").status()).isEqualTo(501);
    }
  }

  @Test
  void refusesAnyOtherMethodWithoutAVersionWith400() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "CUSTOM /\r\n").status()).isEqualTo(400);
    }
  }

  @Test
  void answersHttp99With505() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET / HTTP/9.9\r\n\r\n");
      assertThat(r.status()).isEqualTo(505);
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 505 Invalid HTTP version (9.9)");
    }
  }

  @Test
  void answersABlankRequestWith400() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, " / \r\n\r\n").status()).isEqualTo(400);
    }
  }

  @Test
  void answersConnectionCloseAndKeepAliveRequestsAlike() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").status())
          .isEqualTo(501);
      assertThat(exchange(s, "GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n").status())
          .isEqualTo(501);
    }
  }

  @Test
  void dispatchesACustomMethodToTheHandler() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "TEST / HTTP/1.1\r\n\r\n");
      assertThat(r.status()).isEqualTo(204);
      assertThat(r.header("Server")).startsWith("SocketkitHTTP/");
      assertThat(r.header("Date")).endsWith(" GMT");
    }
  }

  @Test
  void keepsTheConnectionWhenTheHandlerSendsKeepAlive() throws Exception {
    try (Running s = custom();
        RawHttpClient client = s.client()) {
      Response first = client.send("KEEP / HTTP/1.1\r\n\r\n").read();
      assertThat(first.header("Connection")).isEqualTo("keep-alive");
      assertThat(client.send("TEST / HTTP/1.1\r\n\r\n").read().status()).isEqualTo(204);
      assertThat(client.closedByServer()).isTrue(); // TEST sent Connection: close
    }
  }

  @Test
  void sendsAnUnknownCodeWithQuestionMarks() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "KEYERROR / HTTP/1.1\r\n\r\n");
      assertThat(r.status()).isEqualTo(999);
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 999 ???");
    }
  }

  @Test
  void sendsACustomStatus() throws Exception {
    try (Running s = custom()) {
      assertThat(exchange(s, "CUSTOM / HTTP/1.1\r\n\r\n").status()).isEqualTo(999);
    }
  }

  @Test
  void sendsTheExplanationInTheErrorPage() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "EXPLAINERROR / HTTP/1.1\r\n\r\n");
      assertThat(r.status()).isEqualTo(999);
      assertThat(Integer.parseInt(r.header("Content-Length"))).isPositive();
      assertThat(r.text())
          .contains("<p>Message: Short Message.</p>")
          .contains("Error code explanation: 999 - This is a long \n explanation.");
    }
  }

  @Test
  void sendsAndReceivesLatin1Headers() throws Exception {
    try (Running s = custom()) {
      Response r =
          exchange(s, "LATINONEHEADER / HTTP/1.1\r\nX-Special-Incoming: Ärger mit Unicode\r\n\r\n");
      assertThat(r.header("X-Special")).isEqualTo("Dängerous Mind");
      assertThat(r.text()).isEqualTo("Ärger mit Unicode");
    }
  }

  @Test
  void givesErrorPagesAContentLength() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "NOTFOUND / HTTP/1.1\r\n\r\n");
      assertThat(r.status()).isEqualTo(404);
      assertThat(Integer.parseInt(r.header("Content-Length"))).isEqualTo(r.body().length);
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(r.header("Content-Type")).isEqualTo("text/html;charset=utf-8");
    }
  }

  // ---- RequestHandlerLoggingTestCase

  @Test
  void logsTheRequestLineAndStatus() throws Exception {
    try (Running s = Running.threading(() -> new Data(log))) {
      exchange(s, "GET / HTTP/1.1\r\n\r\n");
      assertThat(log.poll(10, TimeUnit.SECONDS)).isEqualTo("\"GET / HTTP/1.1\" 200 -");
    }
  }

  @Test
  void logsTheErrorThenTheRequest() throws Exception {
    try (Running s = custom()) {
      exchange(s, "ERROR / HTTP/1.1\r\n\r\n");
      assertThat(log.poll(10, TimeUnit.SECONDS)).isEqualTo("code 404, message File not found");
      assertThat(log.poll(10, TimeUnit.SECONDS)).isEqualTo("\"ERROR / HTTP/1.1\" 404 -");
    }
  }

  // ---- BaseHTTPRequestHandlerTestCase

  @Test
  void answersHttp11WithServerDateAndTheBody() throws Exception {
    try (Running s = Running.threading(() -> new Data(log));
        RawHttpClient client = s.client()) {
      Response r = client.send("GET / HTTP/1.1\r\n\r\n").read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.headerLines())
          .filteredOn(h -> h.startsWith("Server: ") || h.startsWith("Date: "))
          .hasSize(2);
      // No Content-Length: the body ends with the connection, and the server says so.
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(r.text()).isEqualTo(DATA);
    }
  }

  @Test
  void answersHttp10() throws Exception {
    try (Running s = Running.threading(() -> new Data(log))) {
      Response r = exchange(s, "GET / HTTP/1.0\r\n\r\n");
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.text()).isEqualTo(DATA);
    }
  }

  @Test
  void answersHttp09WithTheBodyAlone() throws Exception {
    try (Running s = Running.threading(() -> new Data(log));
        RawHttpClient client = s.client()) {
      client.send("GET / HTTP/0.9\r\n\r\n");
      assertThat(new String(client.readAll(), StandardCharsets.US_ASCII)).isEqualTo(DATA);
    }
  }

  @Test
  void ignoresExpectContinueFromAnHttp10Client() throws Exception {
    try (Running s = Running.threading(() -> new Data(log))) {
      Response r = exchange(s, "GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n");
      assertThat(r.status()).isEqualTo(200);
    }
  }

  @Test
  void sends100ContinueBeforeTheResponse() throws Exception {
    try (Running s = Running.threading(() -> new Data(log));
        RawHttpClient client = s.client()) {
      client.send("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n");
      assertThat(client.readLine()).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(client.readLine()).isEmpty();
      Response r = client.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.text()).isEqualTo(DATA);
    }
  }

  @Test
  void answers417WhenTheHandlerRefusesTheExpectation() throws Exception {
    BlockingQueue<Data> handlers = new LinkedBlockingQueue<>();
    try (Running s =
            Running.threading(
                () -> {
                  Rejecting h = new Rejecting(log);
                  handlers.add(h);
                  return h;
                });
        RawHttpClient client = s.client()) {
      Response r =
          client
              .send("POST /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
              .read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 417 Expectation Failed");
      assertThat(r.headerLines()).containsOnlyOnce("Connection: close");
      assertThat(client.closedByServer()).isTrue();
      assertThat(handlers.take().getCalled).isFalse();
    }
  }

  @Test
  void answersARequestLineOver64KibWith414() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET " + "x".repeat(65_537));
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 414 URI Too Long");
    }
  }

  @Test
  void answersAHeaderLineOver64KibWith431() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET / HTTP/1.1\r\nX-Foo: bar" + "r".repeat(65_537) + "\r\n\r\n");
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 431 Line too long");
    }
  }

  @Test
  void answersMoreThan100HeadersWith431() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET / HTTP/1.1\r\n" + "X-Foo: bar\r\n".repeat(101) + "\r\n");
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 431 Too many headers");
    }
  }

  @Test
  void escapesHtmlInTheErrorPage() throws Exception {
    try (Running s = custom()) {
      Response r = exchange(s, "GET / HTTP/1.1 <script>alert(\"hello\")</script>\r\n\r\n");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text())
          .contains("&lt;script&gt;alert(\"hello\")&lt;/script&gt;")
          .doesNotContain("<script>");
    }
  }

  @Test
  void sendsPartHeadersWithoutAStatusLineInOneWrite() throws Exception {
    BaseHttpRequestHandler parts =
        new BaseHttpRequestHandler() {
          @Override
          protected void doGET() throws IOException {
            sendResponse(200);
            sendHeader("Content-Type", "multipart/x-mixed-replace; boundary=FRAME");
            endHeaders();
            for (int i = 0; i < 2; i++) {
              wfile.write("--FRAME\r\n".getBytes(StandardCharsets.US_ASCII));
              sendHeader("Foo", "foo");
              sendHeader("bar", "bar");
              endHeaders();
              wfile.write(("part" + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
          }

          @Override
          protected void logMessage(String format, Object... args) {}
        };
    try (Running s = Running.threading(() -> parts);
        RawHttpClient client = s.client()) {
      Response r = client.send("GET / HTTP/1.1\r\n\r\n").read();
      assertThat(r.header("Connection")).isEqualTo("close");
      assertThat(r.text())
          .isEqualTo(
              """
              --FRAME\r
              Foo: foo\r
              bar: bar\r
              \r
              part0\r
              --FRAME\r
              Foo: foo\r
              bar: bar\r
              \r
              part1\r
              """);
    }
  }

  /** CPython's test_header_buffering_of_send_header: headers buffered, then one write. */
  @Test
  void buffersHeadersUntilEndHeadersAndSendsThemInOneWrite() throws Exception {
    BlockingQueue<List<String>> writes = new LinkedBlockingQueue<>();
    BaseHttpRequestHandler counting =
        new BaseHttpRequestHandler() {
          private final List<String> seen = new java.util.ArrayList<>();

          @Override
          protected void setup() throws IOException {
            super.setup();
            java.io.OutputStream socketOut = wfile;
            wfile =
                new java.io.OutputStream() {
                  @Override
                  public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                  }

                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    seen.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
                    socketOut.write(b, off, len);
                  }
                };
          }

          @Override
          protected void doGET() throws IOException {
            sendResponse(200);
            endHeaders();
            sendHeader("Foo", "foo");
            sendHeader("bar", "bar");
            int before = seen.size();
            endHeaders();
            writes.add(List.copyOf(seen.subList(before, seen.size())));
          }

          @Override
          protected void logMessage(String format, Object... args) {}
        };
    try (Running s = Running.threading(() -> counting);
        RawHttpClient client = s.client()) {
      client.send("GET / HTTP/1.1\r\n\r\n");
      assertThat(writes.poll(10, TimeUnit.SECONDS)).containsExactly("Foo: foo\r\nbar: bar\r\n\r\n");
    }
  }

  @Test
  void formatsDatesAsPythonsDateTimeString() {
    assertThat(dev.socketkit.http.internal.LogLine.httpDate(784111777_000L))
        .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void escapesControlCharactersInTheLog() {
    String line =
        dev.socketkit.http.internal.LogLine.format(
            "127.0.0.1",
            java.time.ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, java.time.ZoneOffset.UTC),
            "\"GET /\u001b[31mred\\ HTTP/1.1\" 400 -\u009b");
    assertThat(line)
        .isEqualTo(
            "127.0.0.1 - - [02/Jan/2026 03:04:05] \"GET /\\x1b[31mred\\\\ HTTP/1.1\" 400 -\\x9b\n");
  }

  @Test
  void headerValuesWithLineBreaksAreRefusedAgainstInjection() {
    List<String> bad = List.of("a\r\nSet-Cookie: x", "a\nb", "caf\u20ac");
    for (String value : bad) {
      Custom handler = new Custom(log);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.sendHeader("X", value))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Answers every GET and HEAD with sendBody: the path, and whether TCP_NODELAY is on. */
  static final class Small extends BaseHttpRequestHandler {
    @Override
    protected void doGET() throws IOException {
      if (path().equals("/nodelay")) {
        sendBody(200, "text/plain", String.valueOf(socket().getTcpNoDelay()).getBytes(UTF_8));
      } else if (path().equals("/204")) {
        sendBody(204, "text/plain", new byte[0]);
      } else {
        sendBody(200, "text/plain; charset=utf-8", ("small " + path()).getBytes(UTF_8));
      }
    }

    @Override
    protected void doHEAD() throws IOException {
      doGET();
    }

    @Override
    protected void logMessage(String format, Object... args) {}
  }

  @Test
  void sendBodyAnswersWithTheExactLengthAndKeepsTheConnection() throws Exception {
    try (Running s = Running.threading(Small::new);
        RawHttpClient client = s.client()) {
      Response r = client.get("/a");
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(r.header("Content-Length")).isEqualTo("8");
      assertThat(r.header("Connection")).isNull();
      assertThat(r.text()).isEqualTo("small /a");
      assertThat(client.get("/b").text()).as("the same connection").isEqualTo("small /b");
    }
  }

  @Test
  void sendBodyAnswersHeadWithTheHeadAlone() throws Exception {
    try (Running s = Running.threading(Small::new);
        RawHttpClient client = s.client()) {
      Response head = client.send("HEAD /a HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
      assertThat(head.header("Content-Length")).isEqualTo("8");
      // Had the body gone out, it would be read as the next status line.
      assertThat(client.get("/next").statusLine()).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void sendBodyAnswersPipelinedRequestsInOrder() throws Exception {
    try (Running s = Running.threading(Small::new);
        RawHttpClient client = s.client()) {
      client.send( // three requests in one write
          String.join(
              "\r\n",
              "GET /1 HTTP/1.1",
              "Host: t",
              "",
              "HEAD /2 HTTP/1.1",
              "Host: t",
              "",
              "GET /3 HTTP/1.1",
              "Host: t",
              "Connection: close",
              "",
              ""));
      assertThat(client.read().text()).isEqualTo("small /1");
      assertThat(client.read(true).header("Content-Length")).isEqualTo("8");
      Response last = client.read();
      assertThat(last.text()).isEqualTo("small /3");
      assertThat(last.header("Connection")).isEqualTo("close");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void sendBodyRefusesAStatusThatHasNoBody() throws Exception {
    try (Running s = Running.threading(Small::new);
        RawHttpClient client = s.client()) {
      assertThat(client.get("/204").status())
          .as("the IllegalArgumentException's 500")
          .isEqualTo(500);
    }
  }

  @Test
  void acceptedConnectionsHaveNagleOff() throws Exception {
    try (Running s = Running.threading(Small::new);
        RawHttpClient client = s.client()) {
      assertThat(client.get("/nodelay").text()).isEqualTo("true");
    }
  }
}
