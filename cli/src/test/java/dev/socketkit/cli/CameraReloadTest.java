package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.AuthFile;
import dev.socketkit.testkit.RawHttpClient;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP makes {@code socketkit camera} read its auth file again at once. The file is rewritten in
 * place with its size and modification time kept, so the camera's own look for changes (once a
 * second, by identity, size and time) cannot see it: only the signal can make the change count.
 */
// SEPARATE_THREAD: a test blocked reading a child's stdout is not interruptible, so only running
// it in another thread makes the timeout end it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CameraReloadTest {
  @TempDir Path dir;

  private ServerProcess camera;

  @AfterEach
  void stopCamera() throws InterruptedException {
    if (camera != null) {
      camera.close();
    }
  }

  @Test
  void sighupRefusesAChangedPasswordAtOnce() throws Exception {
    Path kill = Tools.require("kill");
    Path auth = dir.resolve("users");
    AuthFile.setPassword(auth, "alice", "old-secret".toCharArray());
    byte[] changed = sameSizeWithPassword(auth, "new-secret");
    int port = start(auth);
    assertThat(status(port, "alice", "old-secret")).isEqualTo(200);

    replaceKeepingSizeAndTime(auth, changed);
    assertThat(status(port, "alice", "old-secret"))
        .as("unseen without the signal: same identity, size and time")
        .isEqualTo(200);
    camera.hangup(kill);
    awaitStderr("SIGHUP: read the auth file");

    assertThat(status(port, "alice", "old-secret")).isEqualTo(401);
    assertThat(status(port, "alice", "new-secret")).isEqualTo(200);
    assertThat(camera.isAlive()).as("SIGHUP does not stop the camera").isTrue();
  }

  @Test
  void aFileThatNoLongerParsesKeepsTheLastGoodOneAndSaysWhy() throws Exception {
    Path kill = Tools.require("kill");
    Path auth = dir.resolve("users");
    AuthFile.setPassword(auth, "alice", "old-secret".toCharArray());
    int port = start(auth);
    assertThat(status(port, "alice", "old-secret")).isEqualTo(200);
    byte[] broken = new byte[(int) Files.size(auth)];
    java.util.Arrays.fill(broken, (byte) 'x');
    replaceKeepingSizeAndTime(auth, broken);

    camera.hangup(kill);
    String line = awaitStderr("SIGHUP: kept the last good auth file");

    assertThat(line).contains(auth.toString()).contains("line 1");
    assertThat(status(port, "alice", "old-secret")).isEqualTo(200);
  }

  /**
   * nohup starts the camera with SIGHUP ignored, which the JVM cannot take back: the camera says so
   * and what to do instead, and a SIGHUP neither reloads nor stops it.
   */
  @Test
  void underNohupTheCameraSaysItCannotReceiveSighupAndKeepsServing() throws Exception {
    Path kill = Tools.require("kill");
    Path nohup = Tools.require("nohup");
    Path auth = dir.resolve("users");
    AuthFile.setPassword(auth, "alice", "old-secret".toCharArray());
    camera = ServerProcess.startUnder(nohup, cameraOn(auth));
    int port = camera.port();

    String line = awaitStderr("cannot receive SIGHUP");
    assertThat(line).contains("nohup").contains("setsid").contains("auth file");
    camera.hangup(kill); // discarded by the kernel: the process ignores it

    assertThat(status(port, "alice", "old-secret")).isEqualTo(200);
    assertThat(camera.isAlive()).isTrue();
  }

  /** Starts the camera on the auth file and returns its port. */
  private int start(Path auth) throws IOException {
    camera = ServerProcess.start(cameraOn(auth));
    return camera.port();
  }

  /** The arguments of a small camera that reads {@code auth}. */
  private static String[] cameraOn(Path auth) {
    return new String[] {
      "camera", "--port", "0", "--size", "160x120", "--fps", "5", "--auth-file", auth.toString()
    };
  }

  private String awaitStderr(String text) throws Exception {
    return camera.awaitStderr(text, Duration.ofSeconds(20));
  }

  private static int status(int port, String user, String password) throws IOException {
    try (RawHttpClient client = new RawHttpClient(port)) {
      String basic =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      client.send(
          "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
              + basic
              + "\r\nConnection: close\r\n\r\n");
      return client.read().status();
    }
  }

  /** The file's text with the user's password set anew: a new salt and hash of the same length. */
  private byte[] sameSizeWithPassword(Path auth, String password) throws IOException {
    Path copy = dir.resolve("copy");
    Files.copy(auth, copy, StandardCopyOption.REPLACE_EXISTING);
    AuthFile.setPassword(copy, "alice", password.toCharArray());
    byte[] changed = Files.readAllBytes(copy);
    assertThat(changed).hasSize((int) Files.size(auth)).isNotEqualTo(Files.readAllBytes(auth));
    return changed;
  }

  /** Writes {@code content} into the same file (same inode) and puts its old time back. */
  private static void replaceKeepingSizeAndTime(Path file, byte[] content) throws IOException {
    FileTime time = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    Files.write(file, content); // truncates and writes the same inode
    Files.setLastModifiedTime(file, time);
    assertThat(Files.size(file)).isEqualTo(size);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(time);
  }
}
