package dev.socketkit.bench;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.internal.motion.MotionDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
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
 * What motion detection costs per frame: {@code MotionDetector.analyse} on JPEGs of a textured
 * scene with a white square moving across it and a little sensor-like noise, at three camera sizes.
 * At 5 fps, a score of {@code s} ms/op is {@code s / 2} % of one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MotionBenchmark {
  private static final int FRAMES = 8; // the square's positions, played in a loop
  private static final long FRAME_MICROS = 200_000; // 5 fps, the detector's default rate

  /** The frame size, {@code WIDTHxHEIGHT}. */
  @Param({"640x480", "1280x720", "1920x1080"})
  public String size;

  private byte[][] jpegs;
  private MotionDetector detector;
  private long frame;

  /** Encodes the frames and opens a detector with the default settings. */
  @Setup
  public void setUp() throws IOException {
    String[] wh = size.split("x", 2);
    int width = Integer.parseInt(wh[0]);
    int height = Integer.parseInt(wh[1]);
    BufferedImage scene = scene(width, height);
    jpegs = new byte[FRAMES][];
    for (int i = 0; i < FRAMES; i++) {
      jpegs[i] = withSquare(scene, i * 40, height / 3, height / 6, 4, i);
    }
    detector =
        new MotionDetector(
            MotionSettings.defaults(),
            new MotionListener() {
              @Override
              public void started(MotionEvent event) {}

              @Override
              public void ended(MotionEvent event) {}
            });
  }

  /** Closes the detector. */
  @TearDown
  public void tearDown() {
    detector.close();
  }

  /** One frame analysed; returns its score so that the work is not optimised away. */
  @Benchmark
  public double analyseOneFrame() throws IOException {
    long n = frame++;
    return detector.analyse(jpegs[(int) (n % FRAMES)], n * FRAME_MICROS);
  }

  /** A still textured scene, the same for the same size. */
  private static BufferedImage scene(int width, int height) {
    BufferedImage scene = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = scene.createGraphics();
    Random random = new Random(42);
    g.setColor(new Color(90, 100, 110));
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < 40; i++) {
      int grey = 40 + random.nextInt(160);
      g.setColor(new Color(grey, grey, grey));
      g.fillRect(
          random.nextInt(width),
          random.nextInt(height),
          10 + random.nextInt(60),
          10 + random.nextInt(40));
    }
    g.dispose();
    return scene;
  }

  /** The scene with a white square at {@code (x, y)} and noise of up to {@code noise} levels. */
  private static byte[] withSquare(
      BufferedImage scene, int x, int y, int side, int noise, long seed) throws IOException {
    BufferedImage image =
        new BufferedImage(scene.getWidth(), scene.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.drawImage(scene, 0, 0, null);
    g.setColor(Color.WHITE);
    g.fillRect(x, y, side, side);
    g.dispose();
    Random random = new Random(seed);
    byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < data.length; i++) {
      int v = (data[i] & 0xff) + random.nextInt(2 * noise + 1) - noise;
      data[i] = (byte) Math.max(0, Math.min(255, v));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "jpg", out)) {
      throw new IllegalStateException("no JPEG writer");
    }
    return out.toByteArray();
  }
}
