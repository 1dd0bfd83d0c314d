package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.AuthFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class CameraCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void refusesANonLoopbackAddressWithoutCredentialsInOneSentence() {
    Result result = run("camera", "--host", "0.0.0.0", "--port", "0");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().strip())
        .startsWith("socketkit camera: refusing to serve the camera on 0.0.0.0 without credentials")
        .contains("socketkit camera passwd FILE USER", "--auth-file FILE", "--insecure")
        .doesNotContain("Exception");
    assertThat(result.out()).doesNotContain("listening");
  }

  @Test
  void passwdReadsThePasswordFromStdinAndTokenSignsALink() throws Exception {
    Path users = dir.resolve("users");
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("correct horse\n".getBytes(StandardCharsets.UTF_8)));
      Result set = run("camera", "passwd", users.toString(), "alice");
      assertThat(set.code()).as(set.err()).isZero();
      assertThat(set.out()).contains("alice").doesNotContain("correct horse");
    } finally {
      System.setIn(stdin);
    }
    AuthFile auth = AuthFile.load(users);
    assertThat(auth.check("alice", "correct horse".toCharArray())).isTrue();
    Result token = run("camera", "token", "--auth-file", users.toString(), "--ttl", "1h");
    assertThat(token.code()).isZero();
    assertThat(auth.checkToken(token.out().strip(), "GET", "/stream.mjpg")).isTrue();
    assertThat(auth.checkToken(token.out().strip(), "GET", "/recordings.json")).isFalse();
    Result wide =
        run(
            "camera",
            "token",
            "--auth-file",
            users.toString(),
            "--user",
            "alice",
            "--path",
            "/recordings*");
    assertThat(wide.code()).as(wide.err()).isZero();
    assertThat(auth.checkToken(wide.out().strip(), "GET", "/recordings.json")).isTrue();
    Result tooLong = run("camera", "token", "--auth-file", users.toString(), "--ttl", "366d");
    assertThat(tooLong.code()).isEqualTo(1);
    assertThat(tooLong.err()).contains("365 days");
    Result stranger = run("camera", "token", "--auth-file", users.toString(), "--user", "bob");
    assertThat(stranger.code()).isEqualTo(1);
    assertThat(stranger.err()).contains("no user 'bob'");
    Result link =
        run(
            "camera",
            "token",
            "--auth-file",
            users.toString(),
            "--url",
            "http://cam:8000/stream.mjpg");
    assertThat(link.out().strip()).startsWith("http://cam:8000/stream.mjpg?token=");
  }

  @Test
  void badFlagsAndMissingFilesAreOneSentenceEach() {
    assertThat(run("camera", "--size", "big", "--port", "0").err()).contains("--size: 'big'");
    assertThat(run("camera", "--quality", "0", "--port", "0").err()).contains("quality: 0");
    assertThat(run("camera", "--h264-bitrate", "10", "--port", "0").err())
        .contains("h264 bitrate: 10 kbit/s (expected: 50 to 100000)");
    assertThat(run("camera", "--h264-passthrough", "yes", "--port", "0").err())
        .contains("--h264-passthrough: yes (expected: auto or off)");
    assertThat(run("camera", "--auth-file", dir.resolve("none").toString(), "--port", "0").err())
        .contains("no such auth file")
        .contains("camera passwd");
    assertThat(run("camera", "--source", "webcam", "--port", "0").err())
        .contains("unknown source 'webcam'");
    assertThat(run("camera", "--max-frame-size", "100M", "--port", "0").err())
        .contains("max frame size");
    assertThat(run("camera", "--allowed-host", "evil test/", "--port", "0").err())
        .contains("allowed host: evil test/");
    assertThat(
            run("camera", "token", "--auth-file", dir.resolve("none").toString(), "--ttl", "soon")
                .err())
        .contains("no such auth file");
    assertThat(
            run(
                    "camera",
                    "--tls-keystore",
                    dir.resolve("none.p12").toString(),
                    "--tls-password-env",
                    "SOCKETKIT_TEST_UNSET_VARIABLE",
                    "--port",
                    "0")
                .err())
        .contains("SOCKETKIT_TEST_UNSET_VARIABLE");
  }

  @Test
  void theSizeIsParsedIntoWidthAndHeight() {
    assertThat(CameraCommand.parseSize(" 1280X720 "))
        .isEqualTo(new CameraCommand.FrameSize(1280, 720));
  }

  @Test
  void surveillanceFlagCombinationsAreRefusedNamingTheFlags() {
    Result result = run("camera", "--record", "motion", "--port", "0");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().strip())
        .isEqualTo("socketkit camera: --record motion needs --motion (or use --record continuous)");
    assertThat(result.out()).doesNotContain("listening");
  }
}
