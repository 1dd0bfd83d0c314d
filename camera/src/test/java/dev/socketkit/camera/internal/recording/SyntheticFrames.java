package dev.socketkit.camera.internal.recording;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * JPEG frames made in the test: a still textured scene, optionally with a moving square and with
 * sensor-like noise, so motion detection and recording can be tested without a camera.
 */
public final class SyntheticFrames {
  private final int width;
  private final int height;
  private final BufferedImage scene;

  /** A scene of {@code width x height} with a fixed texture (the same for the same size). */
  public SyntheticFrames(int width, int height) {
    this.width = width;
    this.height = height;
    this.scene = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
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
  }

  /** The still scene. */
  public byte[] still() {
    return encode(scene);
  }

  /**
   * The scene with a white square of side {@code size} at {@code (x, y)}, plus noise of up to
   * {@code noise} levels per channel (0 for none).
   */
  public byte[] withSquare(int x, int y, int size, int noise, long seed) {
    BufferedImage image = copy();
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(x, y, size, size);
    g.dispose();
    addNoise(image, noise, seed);
    return encode(image);
  }

  /** The scene with noise of up to {@code noise} levels per channel. */
  public byte[] noisy(int noise, long seed) {
    BufferedImage image = copy();
    addNoise(image, noise, seed);
    return encode(image);
  }

  /** The scene made brighter by {@code delta} levels everywhere (a light flicker). */
  public byte[] brighter(int delta) {
    BufferedImage image = copy();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        int r = Math.min(255, ((rgb >> 16) & 0xff) + delta);
        int gr = Math.min(255, ((rgb >> 8) & 0xff) + delta);
        int b = Math.min(255, (rgb & 0xff) + delta);
        image.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
    return encode(image);
  }

  private BufferedImage copy() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.drawImage(scene, 0, 0, null);
    g.dispose();
    return image;
  }

  private void addNoise(BufferedImage image, int noise, long seed) {
    if (noise <= 0) {
      return;
    }
    Random random = new Random(seed);
    byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < data.length; i++) {
      int v = (data[i] & 0xff) + random.nextInt(2 * noise + 1) - noise;
      data[i] = (byte) Math.max(0, Math.min(255, v));
    }
  }

  private static byte[] encode(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, "jpg", out)) {
        throw new IllegalStateException("no JPEG writer");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
