package dev.socketkit.camera.internal.mp4;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing buffer that ISO BMFF boxes are written into: {@link #open} writes a box header with a
 * size to be filled in, {@link #close} fills it in, so boxes nest as the code that writes them. One
 * thread.
 */
final class Boxes {
  private byte[] bytes;
  private int length;

  Boxes(int capacity) {
    this.bytes = new byte[Math.max(64, capacity)];
  }

  /** Opens a box of {@code type}; returns where it starts, for {@link #close}. */
  int open(String type) {
    int start = length;
    u32(0); // size, set by close
    fourcc(type);
    return start;
  }

  /** Opens a full box (a box with version and flags, ISO/IEC 14496-12 4.2). */
  int openFull(String type, int version, int flags) {
    int start = open(type);
    u32(((version & 0xFF) << 24) | (flags & 0xFFFFFF));
    return start;
  }

  /** Ends the box that started at {@code start}: writes its size. */
  void close(int start) {
    setU32(start, length - start);
  }

  Boxes u8(int value) {
    ensure(1);
    bytes[length++] = (byte) value;
    return this;
  }

  Boxes u16(int value) {
    return u8(value >>> 8).u8(value);
  }

  Boxes u32(long value) {
    ensure(4);
    setU32(length, value);
    length += 4;
    return this;
  }

  Boxes u64(long value) {
    return u32(value >>> 32).u32(value);
  }

  Boxes zeros(int count) {
    ensure(count);
    length += count; // the array is zeroed and never reused below length
    return this;
  }

  Boxes bytes(byte[] data) {
    ensure(data.length);
    System.arraycopy(data, 0, bytes, length, data.length);
    length += data.length;
    return this;
  }

  Boxes fourcc(String type) {
    byte[] ascii = type.getBytes(StandardCharsets.US_ASCII);
    if (ascii.length != 4) {
      throw new IllegalArgumentException("type: " + type + " (expected: four ASCII characters)");
    }
    return bytes(ascii);
  }

  /** The unity matrix of {@code mvhd} and {@code tkhd} (16.16 and 2.30 fixed point). */
  Boxes unityMatrix() {
    return u32(0x00010000)
        .u32(0)
        .u32(0)
        .u32(0)
        .u32(0x00010000)
        .u32(0)
        .u32(0)
        .u32(0)
        .u32(0x40000000);
  }

  int length() {
    return length;
  }

  void setU32(int at, long value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
