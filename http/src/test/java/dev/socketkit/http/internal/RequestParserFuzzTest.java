package dev.socketkit.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.socketkit.http.internal.RequestParser.RequestLine;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Feeds arbitrary bytes to the parser. Without {@code JAZZER_FUZZ} (as in {@code mvn verify}) it
 * runs the checked-in inputs under {@code src/test/resources/.../RequestParserFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} Jazzer generates new ones (see the README for the command).
 */
class RequestParserFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parsesOrRefusesAnyBytesWithAnHttpStatus(byte[] data) throws IOException {
    int end = 0;
    while (end < data.length && data[end] != '\n') {
      end++;
    }
    byte[] first = Arrays.copyOf(data, Math.min(data.length, end + 1));
    byte[] rest = Arrays.copyOfRange(data, first.length, data.length);
    RequestLine line;
    try {
      line = RequestParser.parseRequestLine(first);
    } catch (BadRequestException e) {
      assertThat(e.status()).isIn(400, 414, 505);
      assertThat(e.getMessage()).doesNotContain("\r", "\n");
      return;
    }
    assertThat(RequestParser.isToken(line.command())).isTrue();
    assertThat(line.path()).isNotEmpty().doesNotContain(" ", "\r", "\n", "\0");
    assertThat(line.path()).doesNotStartWith("//");
    assertThat(line.major()).isBetween(0, 1);
    assertThat(line.requestLine()).doesNotContain("\r", "\n");
    List<Map.Entry<String, String>> headers;
    try {
      headers = RequestParser.readHeaders(RequestParserTest.reader(rest));
    } catch (BadRequestException e) {
      assertThat(e.status()).isIn(400, 431);
      assertThat(e.getMessage()).doesNotContain("\r", "\n");
      return;
    }
    assertThat(headers.size()).isLessThanOrEqualTo(RequestParser.MAX_HEADERS);
    for (Map.Entry<String, String> header : headers) {
      assertThat(RequestParser.isToken(header.getKey())).isTrue();
      assertThat(header.getValue()).doesNotContain("\r", "\n", "\0");
      assertThat(header.getValue()).doesNotStartWith(" ").doesNotEndWith(" ");
    }
  }
}
