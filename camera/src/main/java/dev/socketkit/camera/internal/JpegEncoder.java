package dev.socketkit.camera.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes images as baseline JPEG with ImageIO at a fixed quality, reusing one writer.
 *
 * <p>Not thread-safe: one encoder per source thread.
 */
public final class JpegEncoder implements AutoCloseable {
  private final ImageWriter writer;
  private final ImageWriteParam param;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

  /**
   * Creates an encoder.
   *
   * @param quality 1 (smallest) to 100 (best)
   */
  public JpegEncoder(int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality: " + quality + " (expected: 1 to 100)");
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JDK has no ImageIO JPEG writer");
    }
    writer = writers.next();
    param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
  }

  /** Encodes {@code image} (TYPE_INT_RGB or TYPE_3BYTE_BGR) into a new array. */
  public byte[] encode(BufferedImage image) throws IOException {
    buffer.reset();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(buffer)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    }
    return buffer.toByteArray();
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
