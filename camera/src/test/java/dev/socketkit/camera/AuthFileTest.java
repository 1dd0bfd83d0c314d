package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
    assertThat(auth.checkBasic(null)).isFalse();
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
  void changingAPasswordReplacesTheOldOneAndKeepsTheTokenSecret() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "one".toCharArray());
    String token = AuthFile.load(file).makeToken(Duration.ofMinutes(5));
    AuthFile.setPassword(file, "alice", "two".toCharArray());
    AuthFile auth = AuthFile.load(file);
    assertThat(auth.check("alice", "one".toCharArray())).isFalse();
    assertThat(auth.check("alice", "two".toCharArray())).isTrue();
    assertThat(auth.checkToken(token)).isTrue();
  }

  @Test
  void tokensExpireAndCannotBeForged() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    AuthFile auth = AuthFile.load(file);
    String token = auth.makeToken(Duration.ofHours(1));
    assertThat(auth.checkToken(token)).isTrue();
    String[] parts = token.split("\\.", -1);
    long later = Long.parseLong(parts[0]) + 3600;
    assertThat(auth.checkToken(later + "." + parts[1])).as("a changed expiry").isFalse();
    long past = Instant.now().getEpochSecond() - 1;
    String expired = auth.makeToken(Duration.ofSeconds(1));
    assertThat(expired).isNotNull();
    assertThat(auth.checkToken(past + "." + parts[1])).isFalse();
    assertThat(auth.checkToken("garbage")).isFalse();
    assertThat(auth.checkToken(null)).isFalse();
    Path other = dir.resolve("other");
    AuthFile.setPassword(other, "alice", "pw".toCharArray());
    assertThat(AuthFile.load(other).checkToken(token)).as("another file's secret").isFalse();
  }

  @Test
  void aTokenIsAcceptedUntilItsExpiryThenRefused() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "pw".toCharArray());
    AuthFile auth = AuthFile.load(file);
    // Expiry is in whole seconds: two seconds of life leave at least one to check it in.
    String token = auth.makeToken(Duration.ofSeconds(2));
    assertThat(auth.checkToken(token)).as("fresh").isTrue();
    SourcesTest.await("the token expires", Duration.ofSeconds(10), () -> !auth.checkToken(token));
    assertThat(Instant.now().getEpochSecond())
        .as("refused only once its expiry has come")
        .isGreaterThanOrEqualTo(Long.parseLong(token.substring(0, token.indexOf('.'))));
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
