package dev.socketkit.camera.internal.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Design notes.
 *
 * A recording is the camera's fragmented MP4 as it is: ftyp + moov, then one moof + mdat per
 * picture. There is no index to finish and no header to rewrite, so a file cut anywhere (kill -9, a
 * power cut) is readable up to its last complete fragment, and a reader can walk it box by box.
 * The walk reads each box header (8 or 16 bytes) and each moof (a few hundred bytes), never an
 * mdat: a ten-minute segment at 30 fps is 18,000 small reads.
 *
 * Decode times: the camera's fragments carry the tfdt of its live stream, which began when the
 * encoder started; a segment starting at 0 plays from 0 in every player, so the recorder writes a
 * copy of each fragment whose tfdt (and prft media time) is moved back by the segment's first
 * decode time. The shared fragment itself is never changed.
 */

/**
 * Reads back and repairs the fragmented MP4 files the recorder writes, and rebases a fragment's
 * decode time for them.
 *
 * <p>Thread-safe; every method opens and closes the file itself. A file being written may be read
 * at the same time: its last fragment may be incomplete and is then left out. What {@link #inspect}
 * read is remembered by the file's size and modification time (a finished segment never changes),
 * so listing hundreds of recordings does not walk every file again.
 */
public final class Mp4File {
  /** The biggest moof read; ours hold one picture's sample table, a few hundred bytes. */
  private static final int MAX_MOOF_BYTES = 1 << 20;

  /** The most files whose {@link Info} is remembered; past it the memory starts again. */
  private static final int REMEMBERED_FILES = 4096;

  private static final ConcurrentHashMap<Path, Remembered> REMEMBERED = new ConcurrentHashMap<>();

  /** What a walk of a file of this size and modification time found. */
  private record Remembered(long size, FileTime modified, Info info) {}

  private Mp4File() {}

  /**
   * What a recording holds, up to its last complete fragment.
   *
   * @param frames the pictures in its complete fragments
   * @param durationSeconds their total duration
   * @param finished whether the file ends exactly after a complete fragment (nothing torn)
   * @param validBytes where the last complete fragment ends
   */
  public record Info(int frames, double durationSeconds, boolean finished, long validBytes) {
    /** Pictures per second over the whole file, or 0 when it is empty. */
    public double fps() {
      return durationSeconds > 0 ? frames / durationSeconds : 0;
    }
  }

  /**
   * Walks the boxes of {@code file}.
   *
   * @throws IOException if it cannot be read or does not start with {@code ftyp}
   */
  public static Info inspect(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    Path key = file.toAbsolutePath();
    Remembered remembered = REMEMBERED.get(key);
    if (remembered != null
        && remembered.size() == attributes.size()
        && remembered.modified().equals(attributes.lastModifiedTime())) {
      return remembered.info();
    }
    Info info = walk(file);
    if (REMEMBERED.size() >= REMEMBERED_FILES) {
      REMEMBERED.clear();
    }
    REMEMBERED.put(key, new Remembered(attributes.size(), attributes.lastModifiedTime(), info));
    return info;
  }

  private static Info walk(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(16);
      long at = 0;
      long valid = 0;
      long ticks = 0;
      int frames = 0;
      int timescale = 0;
      long pendingTicks = 0;
      int pendingFrames = 0;
      boolean first = true;
      while (at + 8 <= size) {
        header.clear().limit(8);
        readFully(channel, header, at);
        long boxSize = header.getInt(0) & 0xFFFF_FFFFL;
        String type = new String(header.array(), 4, 4, StandardCharsets.US_ASCII);
        int headerBytes = 8;
        if (boxSize == 1 && at + 16 <= size) {
          header.clear().limit(16);
          readFully(channel, header, at);
          boxSize = header.getLong(8);
          headerBytes = 16;
        } else if (boxSize == 0) {
          boxSize = size - at; // to the end of the file
        }
        if (first && !type.equals("ftyp")) {
          throw new IOException(file.getFileName() + " is not an MP4 (no ftyp)");
        }
        first = false;
        if (boxSize < headerBytes || at + boxSize > size) {
          break; // torn: a crash cut it here
        }
        switch (type) {
          case "moov" -> {
            timescale = timescale(channel, at, boxSize);
            valid = at + boxSize;
          }
          case "moof" -> {
            if (boxSize > MAX_MOOF_BYTES) {
              throw new IOException(file.getFileName() + ": a moof of " + boxSize + " bytes");
            }
            ByteBuffer moof = ByteBuffer.allocate((int) boxSize);
            readFully(channel, moof, at);
            long[] run = samples(moof);
            pendingFrames = (int) run[0];
            pendingTicks = run[1];
          }
          case "mdat" -> {
            // A fragment counts once its media data is complete.
            frames += pendingFrames;
            ticks += pendingTicks;
            pendingFrames = 0;
            pendingTicks = 0;
            valid = at + boxSize;
          }
          default -> {
            if (pendingFrames == 0 && !type.equals("prft")) {
              valid = at + boxSize; // free, mfra: complete boxes between fragments
            }
          }
        }
        at += boxSize;
      }
      if (first) {
        throw new IOException(file.getFileName() + " is not an MP4 (empty)");
      }
      double seconds = timescale > 0 ? (double) ticks / timescale : 0;
      return new Info(frames, seconds, valid == size, valid);
    }
  }

  /**
   * Cuts a torn last fragment off {@code file} (what a {@code kill -9} leaves), so that its size
   * and its content agree again. Players read such a file anyway; this only tidies it.
   *
   * @return how many pictures the file holds if it was repaired, or -1 if it was complete
   * @throws IOException if it cannot be read or written, or is not an MP4
   */
  public static int repair(Path file) throws IOException {
    Info info = walk(file);
    if (info.finished()) {
      return -1;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(info.validBytes());
      channel.force(true);
    }
    return info.frames();
  }

  /**
   * A copy of {@code fragment} ({@code prft}, {@code moof}, {@code mdat}) with its decode times
   * moved back by {@code subtract}, so a file can start at 0.
   *
   * @throws IllegalArgumentException if the boxes do not add up
   */
  static byte[] rebase(byte[] fragment, long subtract) {
    byte[] copy = fragment.clone();
    ByteBuffer b = ByteBuffer.wrap(copy);
    int at = 0;
    while (at + 8 <= copy.length) {
      int size = b.getInt(at);
      String type = new String(copy, at + 4, 4, StandardCharsets.US_ASCII);
      if (size < 8 || at + size > copy.length) {
        throw new IllegalArgumentException("fragment: a box of " + size + " bytes at " + at);
      }
      if (type.equals("prft")) {
        // version, flags, reference_track_ID, ntp_timestamp, then media_time
        shift(b, at + 24, copy[at + 8] == 1, subtract);
      } else if (type.equals("moof")) {
        for (int traf : children(b, at, size, "traf")) {
          for (int tfdt : children(b, traf, b.getInt(traf), "tfdt")) {
            shift(b, tfdt + 12, copy[tfdt + 8] == 1, subtract);
          }
        }
      }
      at += size;
    }
    return copy;
  }

  private static void shift(ByteBuffer b, int at, boolean wide, long subtract) {
    if (wide) {
      b.putLong(at, Math.max(0, b.getLong(at) - subtract));
    } else {
      long value = b.getInt(at) & 0xFFFF_FFFFL;
      b.putInt(at, (int) Math.max(0, value - subtract));
    }
  }

  /** Where the children of {@code type} of the box at {@code start} begin. */
  private static int[] children(ByteBuffer b, int start, int size, String type) {
    int[] found = new int[0];
    int at = start + 8;
    while (at + 8 <= start + size) {
      int child = b.getInt(at);
      if (child < 8 || at + child > start + size) {
        throw new IllegalArgumentException(
            "fragment: a box of " + child + " bytes at " + at + " inside " + size);
      }
      if (type.equals(fourcc(b, at + 4))) {
        found = Arrays.copyOf(found, found.length + 1);
        found[found.length - 1] = at;
      }
      at += child;
    }
    return found;
  }

  private static String fourcc(ByteBuffer b, int at) {
    byte[] code = new byte[4];
    b.get(at, code);
    return new String(code, StandardCharsets.US_ASCII);
  }

  /** The pictures and their total duration in a moof's {@code trun} boxes. */
  private static long[] samples(ByteBuffer moof) {
    long frames = 0;
    long ticks = 0;
    for (int traf : children(moof, 0, moof.capacity(), "traf")) {
      for (int trun : children(moof, traf, moof.getInt(traf), "trun")) {
        int flags = moof.getInt(trun + 8) & 0xFF_FFFF;
        int count = moof.getInt(trun + 12);
        int at = trun + 16;
        if ((flags & 0x1) != 0) {
          at += 4; // data_offset
        }
        if ((flags & 0x4) != 0) {
          at += 4; // first_sample_flags
        }
        int each =
            4
                * (Integer.bitCount(flags & 0x100)
                    + Integer.bitCount(flags & 0x200)
                    + Integer.bitCount(flags & 0x400)
                    + Integer.bitCount(flags & 0x800));
        for (int i = 0; i < count && at + each <= trun + moof.getInt(trun); i++) {
          if ((flags & 0x100) != 0) {
            ticks += moof.getInt(at) & 0xFFFF_FFFFL;
          }
          at += each;
        }
        frames += count;
      }
    }
    return new long[] {frames, ticks};
  }

  /** The media timescale in the moov's first {@code mdhd}, or 0 if there is none. */
  private static int timescale(FileChannel channel, long at, long size) throws IOException {
    if (size > MAX_MOOF_BYTES) {
      return 0;
    }
    ByteBuffer moov = ByteBuffer.allocate((int) size);
    readFully(channel, moov, at);
    for (int trak : children(moov, 0, (int) size, "trak")) {
      for (int mdia : children(moov, trak, moov.getInt(trak), "mdia")) {
        for (int mdhd : children(moov, mdia, moov.getInt(mdia), "mdhd")) {
          // version 0: creation, modification (4 bytes each), then timescale
          return moov.getInt(mdhd + (moov.get(mdhd + 8) == 1 ? 28 : 20));
        }
      }
    }
    return 0;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + at);
      }
      at += n;
    }
  }
}
