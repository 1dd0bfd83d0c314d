package dev.socketkit.camera.internal.recording;

import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code ffprobe -count_frames} on a file: a real reader no one here wrote. */
public final class Ffprobe {
  private Ffprobe() {}

  /** What ffprobe read. */
  public record Result(int frames, double durationSeconds, String codec, int width, int height) {}

  /** Probes {@code file}; fails with ffprobe's own message if it cannot read the file. */
  public static Result probe(Path file) throws IOException, InterruptedException {
    Tools.require("ffprobe");
    Process process =
        new ProcessBuilder(
                List.of(
                    "ffprobe",
                    "-v",
                    "error",
                    "-count_frames",
                    "-select_streams",
                    "v:0",
                    "-show_entries",
                    "stream=codec_name,width,height,nb_read_frames,duration",
                    "-of",
                    "default=noprint_wrappers=1",
                    file.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("ffprobe did not finish on " + file);
    }
    Map<String, String> fields = new HashMap<>();
    for (String line : output.lines().toList()) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    if (process.exitValue() != 0 || !fields.containsKey("nb_read_frames")) {
      throw new IOException("ffprobe cannot read " + file + ": " + output);
    }
    return new Result(
        Integer.parseInt(fields.get("nb_read_frames")),
        Double.parseDouble(fields.getOrDefault("duration", "0")),
        fields.get("codec_name"),
        Integer.parseInt(fields.get("width")),
        Integer.parseInt(fields.get("height")));
  }
}
