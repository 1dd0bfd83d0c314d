package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.LoginLimiter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {
  @TempDir Path dir;

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void storesASaltedSlowHashAndChecksPasswords() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "s3cret: with colon".toCharArray());
    AuthFile.setPassword(file, "bob", "hunter2".toCharArray());
    String text = Files.readString(file);
    assertThat(text).doesNotContain("s3cret", "hunter2");
    assertThat(text).contains("alice:pbkdf2-sha256:" + AuthFile.ITERATIONS + ":");
    AuthFile auth = AuthFile.load(file);
    assertThat(auth.users()).containsExactly("alice", "bob");
    assertThat(auth.checkBasic(basic("alice", "s3cret: with colon"))).isTrue();
    assertThat(auth.checkBasic(basic("alice", "s3cret: with colon"))).as("remembered").isTrue();
    assertThat(auth.checkBasic(basic("alice", "wrong"))).isFalse();
    assertThat(auth.checkBasic(basic("mallory", "hunter2"))).isFalse();
    assertThat(auth.checkBasic(basic("bob", "hunter2"))).isTrue();
    assertThat(auth.checkBasic("Basic !!!")).isFalse();
    // HMAC pads a short key with zeros, so PBKDF2 alone would take "hunter2\0" for "hunter2".
    assertThat(auth.checkBasic(basic("bob", "hunter2\0"))).isFalse();
    assertThat(auth.checkBasic(basic("bob", "hunter2\0\0"))).isFalse();
    assertThat(auth.checkBasic(null)).isFalse();
  }

  @Test
  void aLoginThatFindsNoFreeHashingSlotInTimeIsBusyNotRefused() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "right".toCharArray());
    AuthFile auth = AuthFile.load(file);
    InetAddress client = InetAddress.getByName("192.0.2.7");
    assertThat(auth.login(basic("alice", "right"), client).verdict())
        .isEqualTo(AuthFile.Verdict.ACCEPTED);
    auth.hashingSlots().acquireUninterruptibly(AuthFile.HASHING_SLOTS);
    try {
      long start = System.nanoTime();
      AuthFile.Login busy = auth.login(basic("alice", "other"), client);
      assertThat(busy.verdict()).isEqualTo(AuthFile.Verdict.BUSY);
      assertThat(busy.retryAfterSeconds()).isEqualTo(AuthFile.HASH_WAIT.toSeconds());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("it waited for a slot")
          .isGreaterThanOrEqualTo(AuthFile.HASH_WAIT);
      assertThat(auth.login(basic("alice", "right"), client).verdict())
          .as("a remembered login needs no slot")
          .isEqualTo(AuthFile.Verdict.ACCEPTED);
    } finally {
      auth.hashingSlots().release(AuthFile.HASHING_SLOTS);
    }
    for (int i = 0; i < LoginLimiter.MAX_FAILURES - 1; i++) {
      assertThat(auth.login("Basic !!!", client).verdict()).isEqualTo(AuthFile.Verdict.REFUSED);
    }
    assertThat(auth.login(basic("alice", "wrong"), client).verdict())
        .as("a busy answer was not counted as a failure")
        .isEqualTo(AuthFile.Verdict.REFUSED);
    long hashes = auth.slowHashes();
    AuthFile.Login locked = auth.login(basic("alice", "guess"), client);
    assertThat(locked.verdict()).isEqualTo(AuthFile.Verdict.LOCKED_OUT);
    assertThat(locked.retryAfterSeconds()).isBetween(1L, LoginLimiter.WINDOW.toSeconds());
    assertThat(auth.slowHashes()).as("a locked-out address hashes nothing").isEqualTo(hashes);
    assertThat(auth.login(basic("alice", "right"), client).verdict())
        .as("a remembered login skips the lock-out")
        .isEqualTo(AuthFile.Verdict.ACCEPTED);
  }

  @Test
  void aWrongPasswordForAUserWhoLoggedInStillPaysTheSlowHash() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "right".toCharArray());
    AuthFile auth = AuthFile.load(file);
    assertThat(auth.check("alice", "right".toCharArray())).isTrue();
    long afterLogin = auth.slowHashes();
    assertThat(auth.check("alice", "right".toCharArray())).as("remembered").isTrue();
    assertThat(auth.slowHashes())
        .as("a remembered success is not hashed again")
        .isEqualTo(afterLogin);
    assertThat(auth.check("alice", "wrong".toCharArray())).isFalse();
    assertThat(auth.slowHashes()).as("a wrong guess is hashed").isEqualTo(afterLogin + 1);
    assertThat(auth.check("alice", "wrong".toCharArray())).isFalse();
    assertThat(auth.slowHashes()).as("every wrong guess is hashed").isEqualTo(afterLogin + 2);
  }

  @Test
  void changingAPasswordReplacesTheOldOneAndRevokesTheUsersTokens() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "one".toCharArray());
    String token = AuthFile.load(file).makeToken(Duration.ofMinutes(5));
    AuthFile.setPassword(file, "alice", "two".toCharArray());
    AuthFile auth = AuthFile.load(file);
    assertThat(auth.check("alice", "one".toCharArray())).isFalse();
    assertThat(auth.check("alice", "two".toCharArray())).isTrue();
    assertThat(auth.checkToken(token, "GET", "/stream.mjpg")).isFalse();
    assertThat(auth.checkToken(auth.makeToken(Duration.ofMinutes(5)), "GET", "/stream.mjpg"))
        .isTrue();
  }

  @Test
  void tokensExpireAndCannotBeForged() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    AuthFile auth = AuthFile.load(file);
    String token = auth.makeToken(Duration.ofHours(1));
    assertThat(auth.checkToken(token, "GET", "/stream.mjpg")).isTrue();
    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(5);
    long later = Long.parseLong(parts[2]) + 3600;
    assertThat(auth.checkToken(join(parts, 2, Long.toString(later)), "GET", "/stream.mjpg"))
        .as("a changed expiry")
        .isFalse();
    String wider =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("/,/recordings*".getBytes(StandardCharsets.UTF_8));
    assertThat(auth.checkToken(join(parts, 3, wider), "GET", "/recordings.json"))
        .as("a widened scope")
        .isFalse();
    long past = Instant.now().getEpochSecond() - 1;
    assertThat(auth.checkToken(join(parts, 2, Long.toString(past)), "GET", "/")).isFalse();
    assertThat(auth.checkToken(parts[2] + "." + parts[4], "GET", "/")).as("old format").isFalse();
    assertThat(auth.checkToken("garbage", "GET", "/")).isFalse();
    assertThat(auth.checkToken(null, "GET", "/")).isFalse();
    Path other = dir.resolve("other");
    AuthFile.setPassword(other, "alice", "pw".toCharArray());
    assertThat(AuthFile.load(other).checkToken(token, "GET", "/"))
        .as("another file's secret")
        .isFalse();
  }

  @Test
  void aTokenOpensOnlyItsPathsReadOnlyAndTheTtlIsBounded() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    AuthFile.setPassword(file, "bob", "pw".toCharArray());
    AuthFile auth = AuthFile.load(file);
    String live = auth.makeToken(Duration.ofHours(1));
    for (String path : AuthFile.DEFAULT_TOKEN_PATHS) {
      assertThat(auth.checkToken(live, "GET", path)).as(path).isTrue();
      assertThat(auth.checkToken(live, "HEAD", path)).as(path).isTrue();
    }
    assertThat(auth.checkToken(live, "GET", "/recordings.json")).isFalse();
    assertThat(auth.checkToken(live, "DELETE", "/stream.mjpg")).isFalse();
    assertThat(auth.checkToken(live, "POST", "/")).isFalse();
    String recordings = auth.makeToken("bob", Duration.ofHours(1), List.of("/recordings*"));
    assertThat(auth.checkToken(recordings, "GET", "/recordings/a.mjpg")).isTrue();
    assertThat(auth.checkToken(recordings, "DELETE", "/recordings/a.mjpg")).isFalse();
    assertThat(auth.checkToken(recordings, "GET", "/events")).isFalse();
    assertThatThrownBy(() -> auth.makeToken(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> auth.makeToken("carol", Duration.ofHours(1), List.of("/")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> auth.makeToken("bob", Duration.ofHours(1), List.of("/a,/b")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String join(String[] parts, int index, String replacement) {
    String[] copy = parts.clone();
    copy[index] = replacement;
    return String.join(".", copy);
  }

  @Test
  void aTokenIsAcceptedUntilItsExpiryThenRefused() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    AuthFile auth = AuthFile.load(file);
    // Expiry is in whole seconds: two seconds of life leave at least one to check it in.
    String token = auth.makeToken(Duration.ofSeconds(2));
    assertThat(auth.checkToken(token, "GET", "/")).as("fresh").isTrue();
    SourcesTest.await(
        "the token expires", Duration.ofSeconds(10), () -> !auth.checkToken(token, "GET", "/"));
    assertThat(Instant.now().getEpochSecond())
        .as("refused only once its expiry has come")
        .isGreaterThanOrEqualTo(Long.parseLong(token.split("\\.", -1)[2]));
  }

  @Test
  void anEntryWithAnAbsurdIterationCountIsRefusedAtLoad() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    String good = Files.readString(file);
    for (String count : new String[] {"0", "-5", "100000001", "2147483647"}) {
      Files.writeString(
          file,
          good.replace(
              ":pbkdf2-sha256:" + AuthFile.ITERATIONS + ":", ":pbkdf2-sha256:" + count + ":"));
      assertThatThrownBy(() -> AuthFile.load(file))
          .as(count)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("asks for " + count + " PBKDF2 iterations")
          .hasMessageContaining("socketkit camera passwd");
    }
  }

  @Test
  void aMalformedFileIsOneReadableSentence() throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(file, "alice:plaintext\n");
    assertThatThrownBy(() -> AuthFile.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("socketkit camera passwd");
    assertThatThrownBy(() -> AuthFile.setPassword(file, "bad:name", "x".toCharArray()))
        .hasMessageContaining("user name");
  }
}
