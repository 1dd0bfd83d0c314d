package dev.socketkit.bench;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.internal.Parts;
import dev.socketkit.loadgen.internal.MalformedStreamException;
import dev.socketkit.loadgen.internal.MultipartScanner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Multipart framing of the MJPEG stream, both ends: the camera building a frame's part head ({@code
 * Parts.head}: boundary, Content-Type, Content-Length, X-Timestamp; once per frame, shared by every
 * viewer) and the load generator's viewer parsing a whole 24 KiB part ({@code MultipartScanner},
 * once per frame per viewer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultipartBenchmark {
  private static final int JPEG_BYTES = 24 * 1024; // about one 640x480 test-pattern frame

  private Frame frame;
  private ByteBuffer part;
  private MultipartScanner scanner;
  private long parts;

  /** A frame, its part, and a scanner that has read the response head already. */
  @Setup
  public void setUp() throws MalformedStreamException {
    byte[] jpeg = new byte[JPEG_BYTES];
    jpeg[0] = (byte) 0xFF;
    jpeg[1] = (byte) 0xD8;
    jpeg[JPEG_BYTES - 2] = (byte) 0xFF;
    jpeg[JPEG_BYTES - 1] = (byte) 0xD9;
    frame = new Frame(jpeg, 1, 1_764_280_000_123_456L, 640, 480);
    part = ByteBuffer.wrap(Parts.whole(frame));
    scanner = new MultipartScanner((length, timestamp) -> parts++);
    scanner.feed(
        ByteBuffer.wrap(
            "HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=FRAME\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** The camera: one part head per frame. */
  @Benchmark
  public byte[] cameraPartHead() {
    return Parts.head(frame);
  }

  /** A viewer: one whole part parsed (headers read, body skipped and checked at its edges). */
  @Benchmark
  public long viewerParsesOnePart() throws MalformedStreamException {
    part.rewind();
    scanner.feed(part);
    return parts;
  }
}
