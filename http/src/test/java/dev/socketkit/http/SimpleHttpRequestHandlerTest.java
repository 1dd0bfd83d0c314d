package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.http.internal.LogLine;
import dev.socketkit.http.internal.StaticFiles;
import dev.socketkit.testkit.RawHttpClient;
import dev.socketkit.testkit.RawHttpClient.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CPython's SimpleHTTPServerTestCase, ported, plus the ways out of the directory. */
@Timeout(30)
class SimpleHttpRequestHandlerTest {
  private static final String DATA = "We are the knights who say Ni!";

  @TempDir Path temp;
  private Path root;
  private Path outside;

  @BeforeEach
  void makeTree() throws IOException {
    root = Files.createDirectories(temp.resolve("root"));
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("dir/test"), DATA);
    Files.writeString(root.resolve("page.html"), "<p>page</p>");
    Files.writeString(root.resolve("a&b <c>.txt"), "odd name");
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("inside-link.txt"), root.resolve("page.html"));
  }

  private Running serve() throws IOException {
    return Running.threading(
        () ->
            new SimpleHttpRequestHandler(root) {
              @Override
              protected void logMessage(String format, Object... args) {}
            });
  }

  private static Response get(Running s, String path) throws IOException {
    try (RawHttpClient client = s.client()) {
      return client.get(path);
    }
  }

  /** A server whose file changes between the moment its length is sent and its copy. */
  private Running serveChanging(String name, byte[] after) throws IOException {
    return Running.threading(
        () ->
            new SimpleHttpRequestHandler(root) {
              @Override
              protected java.io.InputStream sendHead() throws IOException {
                java.io.InputStream body = super.sendHead();
                if (path().equals("/" + name)) {
                  Files.write(root.resolve(name), after);
                }
                return body;
              }

              @Override
              protected void logMessage(String format, Object... args) {}
            });
  }

  @Test
  void aFileThatGrowsWhileSentKeepsToItsLengthAndTheConnectionStaysUsable() throws Exception {
    Files.writeString(root.resolve("log.txt"), "0123456789");
    try (Running s =
            serveChanging(
                "log.txt", "0123456789 and then some more".getBytes(StandardCharsets.US_ASCII));
        RawHttpClient client = s.client()) {
      Response first = client.get("/log.txt");
      assertThat(first.header("Content-Length")).isEqualTo("10");
      assertThat(first.text()).isEqualTo("0123456789");
      Response second = client.get("/page.html");
      assertThat(second.statusLine()).startsWith("HTTP/1.1 200");
      assertThat(second.text()).isEqualTo("<p>page</p>");
    }
  }

  @Test
  void aFileThatShrinksWhileSentClosesTheConnection() throws Exception {
    Files.writeString(root.resolve("log.txt"), "0123456789");
    try (Running s = serveChanging("log.txt", "0123".getBytes(StandardCharsets.US_ASCII));
        RawHttpClient client = s.client()) {
      client.send("GET /log.txt HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(client.readLine()).startsWith("HTTP/1.1 200");
      for (String line = client.readLine(); !line.isEmpty(); line = client.readLine()) {
        if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          assertThat(line).endsWith("10");
        }
      }
      assertThat(new String(client.readAll(), StandardCharsets.US_ASCII))
          .as("what there was, then the end of the connection")
          .isEqualTo("0123");
    }
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new java.util.Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aLargeFileIsSentWholeAndExactAndTheConnectionStaysUsable() throws Exception {
    byte[] large = randomBytes(SimpleHttpRequestHandler.MAX_JOINED_FILE * 16 + 7);
    Files.write(root.resolve("large.bin"), large);
    try (Running s = serve();
        RawHttpClient client = s.client()) {
      Response r = client.get("/large.bin");
      assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(large.length));
      assertThat(r.body()).isEqualTo(large);
      assertThat(client.get("/page.html").text()).isEqualTo("<p>page</p>");
      Response head = client.send("HEAD /large.bin HTTP/1.1\r\n\r\n").read(true);
      assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(large.length));
      assertThat(client.get("/dir/test").text()).as("no body after HEAD").isEqualTo(DATA);
    }
  }

  @Test
  void aSubclassThatReplacesWfileSeesEveryByteOfALargeFile() throws Exception {
    byte[] large = randomBytes(SimpleHttpRequestHandler.MAX_JOINED_FILE * 4 + 3);
    Files.write(root.resolve("large.bin"), large);
    java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
    try (Running s =
            Running.threading(
                () ->
                    new SimpleHttpRequestHandler(root) {
                      @Override
                      protected void setup() throws IOException {
                        super.setup();
                        java.io.OutputStream inner = wfile;
                        wfile =
                            new java.io.FilterOutputStream(inner) {
                              @Override
                              public void write(byte[] b, int off, int len) throws IOException {
                                counted.addAndGet(len);
                                inner.write(b, off, len);
                              }
                            };
                      }

                      @Override
                      protected void logMessage(String format, Object... args) {}
                    });
        RawHttpClient client = s.client()) {
      Response r = client.get("/large.bin");
      assertThat(r.body()).isEqualTo(large);
      assertThat(counted.get())
          .as("the replaced wfile carried the body, not transferTo around it")
          .isGreaterThanOrEqualTo(large.length);
    }
  }

  @Test
  void aLargeFileThatShrinksWhileSentClosesTheConnection() throws Exception {
    byte[] large = randomBytes(SimpleHttpRequestHandler.MAX_JOINED_FILE * 4);
    byte[] shrunk = java.util.Arrays.copyOf(large, SimpleHttpRequestHandler.MAX_JOINED_FILE * 2);
    Files.write(root.resolve("large.bin"), large);
    try (Running s = serveChanging("large.bin", shrunk);
        RawHttpClient client = s.client()) {
      client.send("GET /large.bin HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(client.readLine()).startsWith("HTTP/1.1 200");
      for (String line = client.readLine(); !line.isEmpty(); line = client.readLine()) {
        if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          assertThat(line).endsWith(" " + large.length);
        }
      }
      assertThat(client.readAll())
          .as("what there was, then the end of the connection")
          .isEqualTo(shrunk);
    }
  }

  @Test
  void servesAFileWithItsLengthTypeAndDate() throws Exception {
    try (Running s = serve()) {
      Response r = get(s, "/dir/test");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(DATA);
      assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(r.header("Last-Modified")).endsWith(" GMT");
      assertThat(get(s, "/page.html").header("Content-Type")).isEqualTo("text/html");
    }
  }

  @Test
  void answersATrailingSlashAfterAFileAndAMissingFileWith404() throws Exception {
    try (Running s = serve()) {
      assertThat(get(s, "/dir/test/").status()).isEqualTo(404);
      assertThat(get(s, "/ThisDoesNotExist").status()).isEqualTo(404);
      assertThat(get(s, "/ThisDoesNotExist/").status()).isEqualTo(404);
    }
  }

  @Test
  void redirectsADirectoryWithoutItsSlashKeepingTheQuery() throws Exception {
    try (Running s = serve()) {
      Response r = get(s, "/dir?hi=1");
      assertThat(r.status()).isEqualTo(301);
      assertThat(r.header("Location")).isEqualTo("/dir/?hi=1");
      assertThat(get(s, "/dir/?hi=2").status()).isEqualTo(200);
    }
  }

  @Test
  void listsADirectoryWithEscapedNamesAndServesItsIndexWhenThereIsOne() throws Exception {
    try (Running s = serve()) {
      Response listing = get(s, "/");
      assertThat(listing.status()).isEqualTo(200);
      assertThat(listing.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(listing.text())
          .contains("<title>Directory listing for /</title>")
          .contains("<li><a href=\"a%26b%20%3Cc%3E.txt\">a&amp;b &lt;c&gt;.txt</a></li>")
          .contains("<li><a href=\"dir/\">dir/</a></li>")
          .contains("<li><a href=\"escape/\">escape@</a></li>");
      Files.writeString(root.resolve("dir/index.html"), "Dummy index file\r\n");
      assertThat(get(s, "/dir/").text()).isEqualTo("Dummy index file\r\n");
    }
  }

  @Test
  void answersHeadWithoutABody() throws Exception {
    try (Running s = serve();
        RawHttpClient client = s.client()) {
      Response r = client.send("HEAD /dir/test HTTP/1.1\r\n\r\n").read(true);
      assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(DATA.length()));
      assertThat(client.get("/page.html").text()).isEqualTo("<p>page</p>");
    }
  }

  @Test
  void answersIfModifiedSinceWith304AndAnOlderDateWith200() throws Exception {
    Instant modified = Instant.parse("2024-05-06T07:08:09Z");
    Files.setLastModifiedTime(root.resolve("dir/test"), FileTime.from(modified));
    try (Running s = serve();
        RawHttpClient client = s.client()) {
      String same = LogLine.httpDate(modified.toEpochMilli());
      String earlier = LogLine.httpDate(modified.minusSeconds(1).toEpochMilli());
      Response r =
          client.send("GET /dir/test HTTP/1.1\r\nIf-Modified-Since: " + same + "\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(304);
      assertThat(
              client
                  .send("GET /dir/test HTTP/1.1\r\nIf-Modified-Since: " + earlier + "\r\n\r\n")
                  .read()
                  .status())
          .isEqualTo(200);
      assertThat(
              client
                  .send("GET /dir/test HTTP/1.1\r\nIf-Modified-Since: yesterday\r\n\r\n")
                  .read()
                  .status())
          .isEqualTo(200);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../outside/secret.txt",
        "/dir/../../outside/secret.txt",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E/%2e%2e/outside/secret.txt",
        "/dir/%2e%2e%2f%2e%2e%2foutside/secret.txt",
        "/escape/secret.txt",
        "/secret-link.txt",
        "/escape/",
      })
  void neverServesAnythingOutsideTheDirectory(String path) throws Exception {
    try (Running s = serve()) {
      Response r = get(s, path);
      assertThat(r.text()).doesNotContain("secret</");
      assertThat(r.text()).isNotEqualTo("secret");
      assertThat(r.status()).isIn(404);
    }
  }

  @Test
  void followsALinkThatStaysInside() throws Exception {
    try (Running s = serve()) {
      assertThat(get(s, "/inside-link.txt").text()).isEqualTo("<p>page</p>");
    }
  }

  @Test
  void translatesLikeCPythonWithinTheRoot() throws IOException {
    Path real = root.toRealPath();
    assertThat(StaticFiles.translate(real, "/dir/test?foo=bar"))
        .isEqualTo(real.resolve("dir/test"));
    assertThat(StaticFiles.translate(real, "/dir/test?a=b&spam=eggs#zot"))
        .isEqualTo(real.resolve("dir/test"));
    assertThat(StaticFiles.translate(real, "//dir/test")).isEqualTo(real.resolve("dir/test"));
    assertThat(StaticFiles.translate(real, "/../../../etc/passwd"))
        .isEqualTo(real.resolve("etc/passwd"));
    assertThat(StaticFiles.translate(real, "/a%00b")).isNull();
    assertThat(StaticFiles.translate(real, "/%ff")).isNull();
  }

  @Test
  void quotesAndUnquotesAsUrllibDoes() {
    assertThat(StaticFiles.quote("a b/ü~_.-")).isEqualTo("a%20b/%C3%BC~_.-");
    assertThat(StaticFiles.unquote("a%20b%2F%C3%BC%zz%4")).isEqualTo("a b/ü%zz%4");
    assertThat(
            new String(
                StaticFiles.quote("\"<>").getBytes(StandardCharsets.US_ASCII),
                StandardCharsets.US_ASCII))
        .isEqualTo("%22%3C%3E");
  }
}
