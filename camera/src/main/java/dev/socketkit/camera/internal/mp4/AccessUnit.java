package dev.socketkit.camera.internal.mp4;

import java.util.List;

/**
 * One coded picture (an H.264 access unit): its NAL units in stream order, without start codes.
 *
 * @param nalUnits the NAL units, emulation prevention bytes in place; never empty
 */
public record AccessUnit(List<byte[]> nalUnits) {
  /** Copies the list; the byte arrays are shared, and nobody may change them. */
  public AccessUnit {
    if (nalUnits.isEmpty()) {
      throw new IllegalArgumentException("nalUnits: empty (expected: at least one NAL unit)");
    }
    nalUnits = List.copyOf(nalUnits);
  }

  /** Whether this picture is an IDR picture, a keyframe a decoder can start at. */
  public boolean isKeyframe() {
    for (byte[] nal : nalUnits) {
      if (AnnexB.type(nal) == AnnexB.IDR_SLICE) {
        return true;
      }
    }
    return false;
  }

  /** The first NAL unit of {@code type}, or null when there is none. */
  public byte[] find(int type) {
    for (byte[] nal : nalUnits) {
      if (AnnexB.type(nal) == type) {
        return nal;
      }
    }
    return null;
  }
}
