package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the ffmpeg source ends its child process. */
@Timeout(30)
class FfmpegSourceKillTest {
  @Test
  void aChildIgnoringTermIsKilledEvenWhenTheCallerWasInterrupted() throws Exception {
    Process child =
        new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).as("the child ignores SIGTERM from now on").isEqualTo("ready");
      Thread.currentThread().interrupt();
      FfmpegSource.kill(child);
      assertThat(Thread.interrupted()).as("the interrupt flag is restored").isTrue();
      assertThat(child.isAlive()).as("the child was killed").isFalse();
    } finally {
      child.destroyForcibly();
    }
  }
}
