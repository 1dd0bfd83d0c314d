package dev.socketkit.bench;

import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.Pictures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one frame of the camera's built-in test pattern costs on the source thread: drawing it with
 * Java2D, encoding it as JPEG, and both (what {@code TestPatternSource} does once per tick). At 30
 * fps, a score of {@code s} ms/op for {@code drawAndEncode} is {@code 3 * s} % of one core, and a
 * score above 33 ms means the source cannot keep 30 fps on one core whatever else runs there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TestPatternBenchmark {
  private static final long FRAME_NANOS = 33_333_333L; // 30 fps, the camera's default rate

  /** The frame size, {@code WIDTHxHEIGHT}. */
  @Param({"640x480"})
  public String size;

  /** JPEG quality, 1 to 100; 80 is the camera's default. */
  @Param({"80"})
  public int quality;

  private Pictures pictures;
  private JpegEncoder encoder;
  private BufferedImage drawn;
  private long counter;
  private Instant start;

  /** Creates the drawing surface and the encoder, and draws one frame to encode. */
  @Setup
  public void setUp() {
    String[] wh = size.split("x", 2);
    pictures = new Pictures(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
    encoder = new JpegEncoder(quality);
    start = Instant.parse("2026-01-01T12:00:00Z");
    drawn = pictures.testPattern(1, start, "bench");
  }

  /** Disposes of the encoder's writer. */
  @TearDown
  public void tearDown() {
    encoder.close();
  }

  /** Draws the next frame (the pattern moves, the clock and the counter change). */
  @Benchmark
  public BufferedImage draw() {
    long n = ++counter;
    return pictures.testPattern(n, start.plusNanos(n * FRAME_NANOS), "bench");
  }

  /** Encodes an already drawn frame as JPEG. */
  @Benchmark
  public byte[] encode() throws IOException {
    return encoder.encode(drawn);
  }

  /** Draws and encodes the next frame: the source thread's work per tick. */
  @Benchmark
  public byte[] drawAndEncode() throws IOException {
    long n = ++counter;
    return encoder.encode(pictures.testPattern(n, start.plusNanos(n * FRAME_NANOS), "bench"));
  }
}
