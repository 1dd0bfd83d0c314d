package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.Jpeg;
import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.JpegStreamSplitter;
import dev.socketkit.camera.internal.Pictures;
import dev.socketkit.camera.internal.Size;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JpegStreamSplitterTest {
  private static byte[] image(long n) throws Exception {
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      return encoder.encode(new Pictures(96, 64).testPattern(n, Instant.EPOCH, "x"));
    }
  }

  /** Inserts an APP1 segment holding a whole little JPEG (like an EXIF thumbnail) after SOI. */
  private static byte[] withThumbnail(byte[] jpeg, byte[] thumbnail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    int length = thumbnail.length + 2;
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(thumbnail);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  @Test
  void splitsConcatenatedImagesSkippingGarbageAndThumbnails() throws Exception {
    byte[] a = image(1);
    byte[] b = withThumbnail(image(2), image(3));
    byte[] c = image(4);
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(
        "--FRAME\r\nContent-Type: image/jpeg\r\n\r\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    stream.writeBytes(a);
    stream.writeBytes(new byte[] {'\r', '\n', (byte) 0xFF, 0x00, (byte) 0xD9});
    stream.writeBytes(b);
    stream.writeBytes(c);
    stream.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDB, 0, 10});
    JpegStreamSplitter splitter =
        new JpegStreamSplitter(new ByteArrayInputStream(stream.toByteArray()));
    assertThat(splitter.next()).isEqualTo(a);
    assertThat(splitter.next()).isEqualTo(b);
    assertThat(splitter.next()).isEqualTo(c);
    assertThat(splitter.next()).as("a truncated image at the end is dropped").isNull();
    assertThat(Jpeg.size(b)).isEqualTo(new Size(96, 64));
  }

  @Test
  void thousandsOfEmptyScansInOneImageDoNotOverflowTheStack() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
    for (int i = 0; i < 200_000; i++) {
      stream.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0x00, 0x02});
    }
    stream.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
    byte[] bytes = stream.toByteArray();
    JpegStreamSplitter splitter = new JpegStreamSplitter(new ByteArrayInputStream(bytes));
    assertThat(splitter.next()).isEqualTo(bytes);
    assertThat(splitter.next()).isNull();
  }
}
