package dev.socketkit.http.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.http.internal.RequestParser.RequestLine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {
  private static RequestLine line(String s) throws BadRequestException {
    return RequestParser.parseRequestLine(s.getBytes(ISO_8859_1));
  }

  private static int refusal(String s) {
    try {
      line(s);
    } catch (BadRequestException e) {
      return e.status();
    }
    throw new AssertionError("accepted: " + s);
  }

  /** A line reader over bytes, as LineInputStream.readLine(limit) behaves. */
  static RequestParser.LineReader reader(byte[] data) {
    ByteArrayInputStream in = new ByteArrayInputStream(data);
    return limit -> {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      int c;
      while (line.size() < limit && (c = in.read()) >= 0) {
        line.write(c);
        if (c == '\n') {
          break;
        }
      }
      return line.toByteArray();
    };
  }

  private static List<Map.Entry<String, String>> headers(String block)
      throws IOException, BadRequestException {
    return RequestParser.readHeaders(reader(block.getBytes(ISO_8859_1)));
  }

  private static int headerRefusal(String block) throws IOException {
    try {
      headers(block);
    } catch (BadRequestException e) {
      return e.status();
    }
    throw new AssertionError("accepted: " + block);
  }

  @Test
  void splitsAnHttp11RequestLineIntoCommandPathAndVersion() throws Exception {
    RequestLine r = line("GET /index.html?x=1 HTTP/1.1\r\n");
    assertThat(r.command()).isEqualTo("GET");
    assertThat(r.path()).isEqualTo("/index.html?x=1");
    assertThat(r.version()).isEqualTo("HTTP/1.1");
    assertThat(r.requestLine()).isEqualTo("GET /index.html?x=1 HTTP/1.1");
    assertThat(r.atLeast11()).isTrue();
  }

  @Test
  void toleratesABareLfAndExtraSpacesAsCPythonDoes() throws Exception {
    RequestLine r = line("POST   /a \t HTTP/1.0\n");
    assertThat(r.command()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/a");
    assertThat(r.atLeast11()).isFalse();
  }

  @Test
  void readsATwoWordGetAsHttp09() throws Exception {
    RequestLine r = line("GET /old\r\n");
    assertThat(r.version()).isEqualTo("HTTP/0.9");
    assertThat(r.major()).isZero();
    assertThat(r.simple()).isTrue();
    assertThat(line("GET / HTTP/0.9\r\n").simple()).isFalse();
  }

  @Test
  void reducesALeadingDoubleSlashToOneAgainstOpenRedirects() throws Exception {
    assertThat(line("GET //evil.example/x HTTP/1.1\r\n").path()).isEqualTo("/evil.example/x");
  }

  @Test
  void readsLeadingZerosInTheVersionAsRfc2145Says() throws Exception {
    RequestLine r = line("GET / HTTP/01.01\r\n");
    assertThat(r.major()).isEqualTo(1);
    assertThat(r.minor()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "GET / FUBAR|400",
        "GET / HTTP/9.9.9|400",
        "GET / HTTP/1|400",
        "GET / HTTP/a.b|400",
        "GET / HTTP/1.1x|400",
        "GET / HTTP/12345678901.1|400",
        "GET / HTTP/2.0|505",
        "GET / HTTP/9.9|505",
        "GET / x HTTP/2.0|505",
        "/|400",
        "GET|400",
        "CUSTOM /|400",
        "GET / junk HTTP/1.1|400",
        "G(T / HTTP/1.1|400",
      })
  void refusesMalformedRequestLinesWithTheStatusCPythonSends(String requestLine, int status) {
    assertThat(refusal(requestLine + "\r\n")).as(requestLine).isEqualTo(status);
  }

  @Test
  void refusesControlCharactersInTheRequestLine() {
    assertThat(refusal("GET /a\0b HTTP/1.1\r\n")).isEqualTo(400);
    assertThat(refusal("GET /a\rb HTTP/1.1\r\n")).isEqualTo(400);
    assertThat(refusal("GET /a\u007fb HTTP/1.1\r\n")).isEqualTo(400);
  }

  @Test
  void refusesABlankRequestLine() {
    assertThat(refusal("   \r\n")).isEqualTo(400);
  }

  @Test
  void refusesARequestLineOver64KibWith414() {
    byte[] raw = new byte[RequestParser.MAX_LINE + 1];
    java.util.Arrays.fill(raw, (byte) 'a');
    assertThatThrownBy(() -> RequestParser.parseRequestLine(raw))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.status()).isEqualTo(414));
  }

  @Test
  void quotesWhatTheClientSentInTheMessageWithoutLineBreaks() {
    assertThatThrownBy(() -> line("GET / HTTP/1.1\rX\r\n"))
        .hasMessageNotContaining("\r")
        .hasMessageContaining("\\r");
  }

  @Test
  void readsHeadersInOrderWithValuesTrimmed() throws Exception {
    List<Map.Entry<String, String>> h =
        headers("Host: a\r\nX-Two:  b c \t\r\nhost:second\r\n\r\nBODY");
    assertThat(h)
        .containsExactly(
            Map.entry("Host", "a"), Map.entry("X-Two", "b c"), Map.entry("host", "second"));
  }

  @Test
  void endsTheHeadersAtEndOfStreamAsCPythonDoes() throws Exception {
    assertThat(headers("Host: a\r\n")).hasSize(1);
    assertThat(headers("")).isEmpty();
  }

  @Test
  void acceptsExactly100HeadersAndRefusesThe101stWith431() throws Exception {
    StringBuilder block = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      block.append("X-").append(i).append(": v\r\n");
    }
    assertThat(headers(block + "\r\n")).hasSize(100);
    assertThat(headerRefusal(block + "X-100: v\r\n\r\n")).isEqualTo(431);
  }

  @Test
  void refusesAHeaderLineOver64KibWith431() throws Exception {
    String value = "v".repeat(RequestParser.MAX_LINE);
    assertThat(headerRefusal("X-Long: " + value + "\r\n\r\n")).isEqualTo(431);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "NoColon\r\n\r\n",
        ": empty name\r\n\r\n",
        "Host : space before colon\r\n\r\n",
        "Bad Name: v\r\n\r\n",
        "X: a\r\n folded\r\n\r\n",
        "X: a\0b\r\n\r\n",
        "X: a\rb\r\n\r\n",
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "Content-Length: 5, 6\r\n\r\n",
        "Content-Length: -1\r\n\r\n",
        "Content-Length: 0x10\r\n\r\n",
      })
  void refusesMalformedOrAmbiguousHeadersWith400(String block) throws Exception {
    assertThat(headerRefusal(block)).as(block).isEqualTo(400);
  }

  @Test
  void acceptsRepeatedEqualContentLengths() throws Exception {
    assertThat(headers("Content-Length: 5\r\nContent-Length: 5, 5\r\n\r\n")).hasSize(2);
  }

  @Test
  void reprQuotesAsPythonDoes() {
    assertThat(Repr.of("abc")).isEqualTo("'abc'");
    assertThat(Repr.of("it's")).isEqualTo("\"it's\"");
    assertThat(Repr.of("a'\"b")).isEqualTo("'a\\'\"b'");
    assertThat(Repr.of("\t\n\r\u0001\\")).isEqualTo("'\\t\\n\\r\\x01\\\\'");
  }
}
