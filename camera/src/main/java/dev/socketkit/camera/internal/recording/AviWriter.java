package dev.socketkit.camera.internal.recording;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one MJPEG video as a RIFF AVI 1.0 file with an {@code idx1} index, the format ffmpeg, VLC
 * and every other player read without help.
 *
 * <p>Crash safety: the header is written first with provisional sizes and no index flag; {@link
 * #sync()} rewrites the header's sizes and frame count in place and forces the file to disk, so
 * after a {@code kill -9} the file is readable up to the last sync, and {@link AviFile#repair} can
 * rebuild the header and index from the frames that made it to disk. {@link #close()} appends the
 * index and sets the index flag, which is what marks a segment finished.
 *
 * <p>Not thread-safe: one thread (the recorder's) owns a writer. {@link #close()} closes the
 * channel.
 */
public final class AviWriter implements Closeable {
  /*
   * The layout (all integers little-endian), fixed so the header can be rewritten in place:
   *
   *   0   RIFF <size> AVI
   *   12  LIST <size> hdrl
   *   24    avih (56 bytes)
   *   88    LIST <size> strl
   *   100     strh (56 bytes)   vids MJPG, scale/rate, length
   *   164     strf (40 bytes)   BITMAPINFOHEADER, compression MJPG
   *   212 LIST <size> movi
   *   224   00dc <size> <jpeg> [pad] ...
   *       idx1 <size> {00dc, flags, offset from "movi", size} ...
   */
  static final int MOVI_LIST = 212;
  static final int MOVI_FOURCC = 220;
  static final int FIRST_CHUNK = 224;
  static final int AVIF_HASINDEX = 0x10;
  static final int AVIIF_KEYFRAME = 0x10;
  static final int AVIH_FLAGS = 44;
  static final int AVIH_TOTAL_FRAMES = 48;
  static final int STRH_SCALE = 128;
  static final int STRH_RATE = 132;
  static final int STRH_LENGTH = 140;

  /** AVI 1.0 keeps offsets in 32 bits and many readers stop at 1 GiB; a segment ends before. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private final SeekableByteChannel channel;
  private final int width;
  private final int height;
  private final double nominalFps;
  private long position = FIRST_CHUNK;
  private int frames;
  private int[] offsets = new int[1024];
  private int[] sizes = new int[1024];
  private int maxFrameBytes;
  private long firstMicros = -1;
  private long lastMicros = -1;
  private boolean closed;

  /**
   * Starts a video on {@code channel} (empty, positioned at 0) by writing the provisional header.
   *
   * @param nominalFps the frame rate written until real frame times are known (the source's fps)
   * @throws IOException if the header cannot be written; the caller then closes the channel
   */
  public AviWriter(SeekableByteChannel channel, int width, int height, double nominalFps)
      throws IOException {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "size: " + width + "x" + height + " (expected: positive width and height)");
    }
    if (!(nominalFps > 0)) {
      throw new IllegalArgumentException("nominalFps: " + nominalFps + " (expected: > 0)");
    }
    this.channel = channel;
    this.width = width;
    this.height = height;
    this.nominalFps = nominalFps;
    channel.position(0);
    writeFully(channel, header(width, height, 0, nominalFps, 0, 0, false));
  }

  /** The frame size this video was started with. */
  public int width() {
    return width;
  }

  /** The frame height this video was started with. */
  public int height() {
    return height;
  }

  /** Frames written so far. */
  public int frames() {
    return frames;
  }

  /** Bytes in the file so far (without the index that {@link #close()} appends). */
  public long size() {
    return position;
  }

  /** Capture time of the first frame, microseconds since the epoch, or -1 before any frame. */
  public long firstMicros() {
    return firstMicros;
  }

  /**
   * Appends one JPEG frame captured at {@code captureMicros} (microseconds since the epoch).
   *
   * @throws IOException on a write failure (a full disk); the writer is then unusable
   */
  public void writeFrame(byte[] jpeg, long captureMicros) throws IOException {
    if (closed) {
      throw new IOException("video is closed");
    }
    int padded = jpeg.length + (jpeg.length & 1);
    ByteBuffer chunk = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    chunk.put(fourcc("00dc")).putInt(jpeg.length).put(jpeg);
    chunk.flip();
    chunk.limit(8 + padded);
    channel.position(position);
    writeFully(channel, chunk);
    if (frames == offsets.length) {
      offsets = Arrays.copyOf(offsets, frames * 2);
      sizes = Arrays.copyOf(sizes, frames * 2);
    }
    offsets[frames] = (int) (position - MOVI_FOURCC);
    sizes[frames] = jpeg.length;
    frames++;
    position += 8 + padded;
    maxFrameBytes = Math.max(maxFrameBytes, jpeg.length);
    if (firstMicros < 0) {
      firstMicros = captureMicros;
    }
    lastMicros = Math.max(lastMicros, captureMicros);
  }

  /**
   * The average frame rate of the frames written: AVI has one rate per stream, so a video whose
   * frames came unevenly (a slow source, dropped frames) plays at their average pace and lasts as
   * long as it took to capture.
   */
  public double fps() {
    if (frames < 2 || lastMicros <= firstMicros) {
      return nominalFps;
    }
    return (frames - 1) * 1_000_000.0 / (lastMicros - firstMicros);
  }

  /**
   * Rewrites the header with the frames so far and forces the file to disk, so that a crash loses
   * at most what came after.
   */
  public void sync() throws IOException {
    if (closed) {
      return;
    }
    channel.position(0);
    writeFully(channel, header(width, height, frames, fps(), maxFrameBytes, position, false));
    channel.position(position);
    if (channel instanceof FileChannel file) {
      file.force(false);
    }
  }

  /**
   * Finishes the video: appends the index, writes the final header, forces the file to disk and
   * closes the channel. Calling it again does nothing.
   *
   * @throws IOException if the index or header cannot be written; the channel is closed anyway
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      channel.position(position);
      writeFully(channel, index(offsets, sizes, frames));
      channel.position(0);
      writeFully(channel, header(width, height, frames, fps(), maxFrameBytes, position, true));
      if (channel instanceof FileChannel file) {
        file.force(false);
      }
    }
  }

  /** The {@code idx1} chunk for {@code frames} chunks with the given offsets and sizes. */
  static ByteBuffer index(int[] offsets, int[] sizes, int frames) {
    ByteBuffer idx = ByteBuffer.allocate(8 + 16 * frames).order(ByteOrder.LITTLE_ENDIAN);
    idx.put(fourcc("idx1")).putInt(16 * frames);
    for (int i = 0; i < frames; i++) {
      idx.put(fourcc("00dc")).putInt(AVIIF_KEYFRAME).putInt(offsets[i]).putInt(sizes[i]);
    }
    return idx.flip();
  }

  /**
   * The 224-byte header, for a file whose {@code movi} list ends at {@code moviEnd} (0 while
   * nothing is known) and, when {@code indexed}, is followed by an index of {@code frames} entries.
   */
  static ByteBuffer header(
      int width,
      int height,
      int frames,
      double fps,
      int maxFrameBytes,
      long moviEnd,
      boolean indexed) {
    long end = Math.max(moviEnd, FIRST_CHUNK);
    long fileEnd = end + (indexed ? 8 + 16L * frames : 0);
    // Rate as a fraction with millisecond-of-a-frame precision: 30 fps is 30000/1000.
    int scale = 1000;
    int rate = (int) Math.max(1, Math.round(fps * scale));
    int usPerFrame = (int) Math.round(1_000_000.0 / fps);
    int suggested = maxFrameBytes == 0 ? width * height : maxFrameBytes + 8;
    ByteBuffer h = ByteBuffer.allocate(FIRST_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    h.put(fourcc("RIFF")).putInt((int) (fileEnd - 8)).put(fourcc("AVI "));
    h.put(fourcc("LIST")).putInt(MOVI_LIST - 20).put(fourcc("hdrl"));
    // avih: MainAVIHeader
    h.put(fourcc("avih")).putInt(56);
    h.putInt(usPerFrame);
    h.putInt((int) Math.min(Integer.MAX_VALUE, Math.round((double) suggested * fps)));
    h.putInt(0); // padding granularity
    h.putInt(indexed ? AVIF_HASINDEX : 0);
    h.putInt(frames);
    h.putInt(0); // initial frames
    h.putInt(1); // streams
    h.putInt(suggested);
    h.putInt(width).putInt(height);
    h.putInt(0).putInt(0).putInt(0).putInt(0);
    // strl: one video stream
    h.put(fourcc("LIST")).putInt(MOVI_LIST - 96).put(fourcc("strl"));
    h.put(fourcc("strh")).putInt(56);
    h.put(fourcc("vids")).put(fourcc("MJPG"));
    h.putInt(0); // flags
    h.putShort((short) 0).putShort((short) 0); // priority, language
    h.putInt(0); // initial frames
    h.putInt(scale).putInt(rate);
    h.putInt(0); // start
    h.putInt(frames); // length, in frames
    h.putInt(suggested);
    h.putInt(-1); // quality: default
    h.putInt(0); // sample size: varies
    h.putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height);
    h.put(fourcc("strf")).putInt(40);
    h.putInt(40).putInt(width).putInt(height);
    h.putShort((short) 1).putShort((short) 24);
    h.put(fourcc("MJPG"));
    h.putInt(width * height * 3);
    h.putInt(0).putInt(0).putInt(0).putInt(0);
    h.put(fourcc("LIST")).putInt((int) (end - MOVI_FOURCC)).put(fourcc("movi"));
    return h.flip();
  }

  static byte[] fourcc(String code) {
    return code.getBytes(StandardCharsets.US_ASCII);
  }

  static void writeFully(SeekableByteChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
