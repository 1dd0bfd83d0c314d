package dev.socketkit.camera.internal.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A tiny ISO BMFF reader for tests: boxes, their children, and their fields read back. */
final class BoxReader {
  private static final Set<String> CONTAINERS =
      Set.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf");

  /** One box: its type, where it starts in the file, its size, and its children if a container. */
  record Box(String type, int start, int size, List<Box> children, ByteBuffer file) {
    /** The payload after the 8-byte header, as a buffer positioned at its first byte. */
    ByteBuffer body() {
      return file.duplicate().position(start + 8).limit(start + size).slice();
    }

    /** The first child of {@code type}, or an AssertionError. */
    Box child(String type) {
      for (Box box : children) {
        if (box.type.equals(type)) {
          return box;
        }
      }
      throw new AssertionError("no " + type + " in " + this.type + ": " + types(children));
    }

    /** The box at the end of a path of children, e.g. {@code path("mdia", "minf", "stbl")}. */
    Box path(String... path) {
      Box box = this;
      for (String part : path) {
        box = box.child(part);
      }
      return box;
    }
  }

  private BoxReader() {}

  static List<Box> read(byte[] bytes) {
    ByteBuffer file = ByteBuffer.wrap(bytes);
    return read(file, 0, bytes.length);
  }

  static List<String> types(List<Box> boxes) {
    List<String> types = new ArrayList<>();
    for (Box box : boxes) {
      types.add(box.type());
    }
    return types;
  }

  private static List<Box> read(ByteBuffer file, int from, int to) {
    List<Box> boxes = new ArrayList<>();
    int at = from;
    while (at < to) {
      if (to - at < 8) {
        throw new AssertionError("a box header cut short at " + at);
      }
      int size = file.getInt(at);
      byte[] type = new byte[4];
      file.get(at + 4, type);
      String name = new String(type, StandardCharsets.US_ASCII);
      if (size < 8 || at + size > to) {
        throw new AssertionError(name + " at " + at + " has size " + size + ", outside its parent");
      }
      List<Box> children = CONTAINERS.contains(name) ? read(file, at + 8, at + size) : List.of();
      boxes.add(new Box(name, at, size, children, file));
      at += size;
    }
    return boxes;
  }

  static String fourcc(ByteBuffer body) {
    byte[] type = new byte[4];
    body.get(type);
    return new String(type, StandardCharsets.US_ASCII);
  }
}
