package dev.socketkit.camera.internal;

import dev.socketkit.camera.internal.recording.AviFile;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The bodies of the recordings' answers: a byte range of a segment file (a download) and its frames
 * as MJPEG parts at the recording's pace (playback). Stateless; each call runs on the connection's
 * thread and writes to that connection, which it does not close.
 */
public final class RecordingBodies {
  private RecordingBodies() {}

  /**
   * Writes exactly {@code length} bytes of {@code file} from {@code from}, even if the file grows
   * meanwhile.
   *
   * @param name the recording's name, for the error message
   * @throws EOFException if the file ends first: the connection must then end, rather than let the
   *     next response be read as the rest of this body
   */
  public static void copy(Path file, String name, long from, long length, OutputStream out)
      throws IOException {
    try (SeekableByteChannel in = Files.newByteChannel(file)) {
      in.position(from);
      long left = length;
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (left > 0) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), left));
        int n = in.read(buffer);
        if (n < 0) {
          throw new EOFException(name + " ended " + left + " bytes before the announced length");
        }
        out.write(buffer.array(), 0, n);
        left -= n;
      }
    }
  }

  /**
   * Writes the frames of AVI {@code file} as multipart parts (boundary {@code FRAME}), one every
   * {@code frameNanos}; stops early, with the interrupt flag set, when the thread is interrupted.
   */
  public static void play(Path file, long frameNanos, OutputStream out) throws IOException {
    long[] next = {System.nanoTime()};
    AviFile.readFrames(
        file,
        jpeg -> {
          long wait = next[0] - System.nanoTime();
          if (wait > 0) {
            try {
              TimeUnit.NANOSECONDS.sleep(wait); // playback pace, not synchronisation
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          }
          next[0] += frameNanos;
          out.write(
              ("--FRAME\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(jpeg);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return true;
        });
  }
}
