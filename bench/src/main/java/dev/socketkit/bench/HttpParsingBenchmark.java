package dev.socketkit.bench;

import dev.socketkit.http.internal.BadRequestException;
import dev.socketkit.http.internal.RequestParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The http module's request parsing: the request line and the header block of the request a browser
 * sends for the camera's stream, parsed as {@code BaseHttpRequestHandler} does for every request
 * (CPython's {@code parse_request} and {@code parse_headers}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpParsingBenchmark {
  private static final byte[] REQUEST_LINE =
      "GET /stream.mjpg HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[][] HEADER_LINES =
      List.of(
              "Host: 127.0.0.1:8000\r\n",
              "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
                  + " Chrome/131.0.0.0 Safari/537.36\r\n",
              "Accept: image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8\r\n",
              "Accept-Encoding: gzip, deflate, br, zstd\r\n",
              "Accept-Language: ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7\r\n",
              "Connection: keep-alive\r\n",
              "Referer: http://127.0.0.1:8000/\r\n",
              "\r\n")
          .stream()
          .map(line -> line.getBytes(StandardCharsets.ISO_8859_1))
          .toArray(byte[][]::new);

  /** The request line alone. */
  @Benchmark
  public RequestParser.RequestLine requestLine() throws BadRequestException {
    return RequestParser.parseRequestLine(REQUEST_LINE);
  }

  /** The request line and the seven headers, as one request costs. */
  @Benchmark
  public void wholeRequest(Blackhole hole) throws IOException, BadRequestException {
    hole.consume(RequestParser.parseRequestLine(REQUEST_LINE));
    int[] next = {0};
    List<Map.Entry<String, String>> headers =
        RequestParser.readHeaders(
            limit -> {
              byte[] line = HEADER_LINES[next[0]++];
              return line.length <= limit ? line : Arrays.copyOf(line, limit);
            });
    hole.consume(headers);
  }
}
