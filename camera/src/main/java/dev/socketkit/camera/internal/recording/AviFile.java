package dev.socketkit.camera.internal.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads back the AVI files {@link AviWriter} writes: their header, their frames, and the repair of
 * one whose writer was killed before it could finish.
 *
 * <p>Stateless and thread-safe; every method opens and closes the file itself. A recording being
 * written may be read at the same time (its header says how far it was synced).
 */
public final class AviFile {
  private AviFile() {}

  /**
   * What the header of a recording says.
   *
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @param frames frames the header counts (for an unfinished file: up to its last sync)
   * @param fps frames per second the file plays at
   * @param finished whether the writer closed it (the index flag is set)
   */
  public record Info(int width, int height, int frames, double fps, boolean finished) {
    /** Playing time in seconds: frames divided by the rate. */
    public double durationSeconds() {
      return fps > 0 ? frames / fps : 0;
    }
  }

  /** Receives the frames of a recording in order. */
  @FunctionalInterface
  public interface FrameVisitor {
    /**
     * Called with one frame's JPEG bytes (a fresh array).
     *
     * @return false to stop reading
     */
    boolean frame(byte[] jpeg) throws IOException;
  }

  /**
   * Reads the header of {@code file}.
   *
   * @throws IOException if it cannot be read or is not an AVI written by socketkit
   */
  public static Info inspect(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer h = readHeader(channel, file);
      int flags = h.getInt(AviWriter.AVIH_FLAGS);
      int scale = h.getInt(AviWriter.STRH_SCALE);
      int rate = h.getInt(AviWriter.STRH_RATE);
      return new Info(
          h.getInt(64),
          h.getInt(68),
          h.getInt(AviWriter.STRH_LENGTH),
          scale > 0 ? (double) rate / scale : 0,
          (flags & AviWriter.AVIF_HASINDEX) != 0);
    }
  }

  /**
   * Calls {@code visitor} with every complete frame in the file's {@code movi} list, in order; an
   * unfinished file is read up to its last complete frame.
   */
  public static void readFrames(Path file, FrameVisitor visitor) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      readHeader(channel, file);
      walkFrameChunks(
          channel,
          (position, length) -> {
            ByteBuffer data = ByteBuffer.allocate(length);
            readFully(channel, data, position + 8);
            return visitor.frame(data.array());
          });
    }
  }

  /**
   * Finishes a file whose writer never closed it (the process was killed): keeps every complete
   * frame, cuts off a torn last one, appends the index and rewrites the header. Does nothing to a
   * finished file.
   *
   * @return the number of frames in the repaired file, or -1 if it was already finished
   * @throws IOException if the file cannot be read or written, or has no usable header
   */
  public static int repair(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer h = readHeader(channel, file);
      if ((h.getInt(AviWriter.AVIH_FLAGS) & AviWriter.AVIF_HASINDEX) != 0) {
        return -1;
      }
      int width = h.getInt(64);
      int height = h.getInt(68);
      int scale = h.getInt(AviWriter.STRH_SCALE);
      int rate = h.getInt(AviWriter.STRH_RATE);
      double fps = scale > 0 && rate > 0 ? (double) rate / scale : 25;
      if (width <= 0 || height <= 0) {
        throw new IOException(file + ": not a socketkit recording (no frame size in its header)");
      }
      int[] frames = {0};
      int[] maxFrameBytes = {0};
      int[][] offsets = {new int[1024]};
      int[][] sizes = {new int[1024]};
      long position =
          walkFrameChunks(
              channel,
              (chunk, length) -> {
                int n = frames[0];
                if (n == offsets[0].length) {
                  offsets[0] = Arrays.copyOf(offsets[0], n * 2);
                  sizes[0] = Arrays.copyOf(sizes[0], n * 2);
                }
                offsets[0][n] = (int) (chunk - AviWriter.MOVI_FOURCC);
                sizes[0][n] = length;
                maxFrameBytes[0] = Math.max(maxFrameBytes[0], length);
                frames[0] = n + 1;
                return true;
              });
      if ((position & 1) != 0) {
        // A torn pad byte after the last frame: put it back so the index follows on a word.
        channel.write(ByteBuffer.allocate(1), position);
        position++;
      }
      channel.truncate(position);
      channel.position(position);
      AviWriter.writeFully(channel, AviWriter.index(offsets[0], sizes[0], frames[0]));
      channel.position(0);
      AviWriter.writeFully(
          channel,
          AviWriter.header(width, height, frames[0], fps, maxFrameBytes[0], position, true));
      channel.force(false);
      return frames[0];
    }
  }

  /** What {@link #walkFrameChunks} calls for each complete frame chunk. */
  @FunctionalInterface
  private interface ChunkVisitor {
    /**
     * One complete {@code 00dc} chunk whose 8-byte header starts at {@code position}.
     *
     * @return false to stop the walk
     */
    boolean chunk(long position, int length) throws IOException;
  }

  /**
   * Walks the complete frame chunks of the {@code movi} list in order, stopping at the first chunk
   * that is not a frame or is cut short (an unfinished file), or when the visitor says so.
   *
   * @return the position just after the last chunk walked (its pad byte included when the file
   *     holds it), where an index would follow
   */
  private static long walkFrameChunks(FileChannel channel, ChunkVisitor visitor)
      throws IOException {
    long size = channel.size();
    long position = AviWriter.FIRST_CHUNK;
    ByteBuffer chunkHeader = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    while (position + 8 <= size) {
      chunkHeader.clear();
      readFully(channel, chunkHeader, position);
      String id = new String(chunkHeader.array(), 0, 4, StandardCharsets.US_ASCII);
      long length = Integer.toUnsignedLong(chunkHeader.getInt(4));
      if (!id.equals("00dc") || position + 8 + length > size) {
        break;
      }
      long next = Math.min(position + 8 + length + (length & 1), size);
      if (!visitor.chunk(position, (int) length)) {
        return next;
      }
      position = next;
    }
    return position;
  }

  private static ByteBuffer readHeader(FileChannel channel, Path file) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(AviWriter.FIRST_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    if (channel.size() < AviWriter.FIRST_CHUNK) {
      throw new IOException(file + ": too short to be a recording (" + channel.size() + " bytes)");
    }
    readFully(channel, h, 0);
    byte[] bytes = h.array();
    if (!new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
        || !new String(bytes, 8, 4, StandardCharsets.US_ASCII).equals("AVI ")
        || !new String(bytes, AviWriter.MOVI_FOURCC, 4, StandardCharsets.US_ASCII).equals("movi")) {
      throw new IOException(file + ": not a socketkit recording (unexpected AVI header)");
    }
    return h;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
    buffer.flip();
  }
}
