package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.Camera;
import dev.socketkit.testkit.Tools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code socketkit bench mp4} against a real camera's {@code /stream.mp4}, on loopback. */
@Timeout(120)
class BenchMp4CommandTest {
  private static final Pattern FPS_MIN = Pattern.compile("fps per viewer: min ([0-9.]+) ");
  private static final Pattern AGE_P50 = Pattern.compile("fragment age ms: p50 ([0-9.]+) ");

  @BeforeAll
  static void needsFfmpeg() {
    Tools.require("ffmpeg"); // the camera's H.264 encoder
  }

  @Test
  void countsTheCamerasFragmentsAndMeasuresTheirAge() throws Exception {
    try (Camera camera =
        Camera.builder().port(0).size(320, 240).fps(15).quality(70).name("bench mp4").start()) {
      int port = ((InetSocketAddress) camera.address()).getPort();
      CommandLine commandLine = Main.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      commandLine.setOut(new PrintWriter(out));
      commandLine.setErr(new PrintWriter(err));

      int code =
          commandLine.execute(
              "bench",
              "mp4",
              "http://127.0.0.1:" + port + "/stream.mp4",
              "--viewers",
              "3",
              "--duration",
              "2",
              "--warmup",
              "1.5",
              "--server-pid",
              String.valueOf(ProcessHandle.current().pid()));

      String report = out.toString();
      assertThat(code).as(err.toString()).isZero();
      assertThat(report)
          .contains("bench mp4 http://127.0.0.1:", "3 viewers", "errors: 0 ", "untimed: 0 ");
      Matcher fps = FPS_MIN.matcher(report);
      assertThat(fps.find()).as(report).isTrue();
      assertThat(Double.parseDouble(fps.group(1))).as(report).isPositive();
      Matcher age = AGE_P50.matcher(report);
      assertThat(age.find()).as(report).isTrue(); // measured: the camera writes a prft per moof
      assertThat(Double.parseDouble(age.group(1))).isNotNegative();
      assertThat(report).containsPattern("bytes/s: [1-9][0-9]* \\(per viewer [1-9]");
    }
  }
}
