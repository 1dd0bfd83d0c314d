package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Plays the JPEG files of a folder in name order at a fixed rate, looping; the folder is listed
 * again at each loop, so files added meanwhile are picked up. Like the test pattern it pauses while
 * nobody wants frames.
 *
 * <p>Runs on the supervisor's source thread.
 */
public final class DirectorySource implements FrameSource {
  private final Path folder;
  private final int fps;

  /** Plays {@code folder} at {@code fps}. */
  public DirectorySource(Path folder, int fps) {
    this.folder = folder;
    this.fps = fps;
  }

  @Override
  public int pacedFps() {
    return fps;
  }

  @Override
  public String describe() {
    return "JPEG files in " + folder + " at " + fps + " fps";
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    Pacer pacer = new Pacer(fps);
    while (true) {
      List<Path> files = list();
      if (files.isEmpty()) {
        throw new IOException("no .jpg or .jpeg files in " + folder);
      }
      for (Path file : files) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        if (!hub.hasDemand()) {
          while (!hub.awaitDemand(Duration.ofSeconds(60))) {
            // nobody watches: read nothing
          }
          pacer.reset();
        }
        byte[] jpeg;
        try {
          jpeg = Files.readAllBytes(file);
        } catch (IOException e) {
          continue; // removed since the listing: the next file plays
        }
        if (!Jpeg.looksWhole(jpeg)) {
          continue; // a file being written, or not a JPEG
        }
        Size size = Jpeg.size(jpeg);
        hub.publish(jpeg, size.width(), size.height(), FrameHub.nowMicros());
        pacer.awaitNextTick();
      }
    }
  }

  private List<Path> list() throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException("no such folder: " + folder);
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries
          .filter(
              p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return (n.endsWith(".jpg") || n.endsWith(".jpeg")) && Files.isRegularFile(p);
              })
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
