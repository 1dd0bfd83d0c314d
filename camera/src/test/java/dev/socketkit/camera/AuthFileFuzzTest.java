package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Feeds arbitrary bytes to the parsers of the {@code Authorization: Basic} header and of link
 * tokens, and to the checks above them: they answer or refuse, never throw, and never accept
 * anything but the one right password (a token, never, since the fuzzer cannot sign one). Without
 * {@code JAZZER_FUZZ} (as in {@code mvn verify}) it runs the checked-in inputs under {@code
 * src/test/resources/.../AuthFileFuzzTestInputs}; with {@code JAZZER_FUZZ=1} Jazzer generates new
 * ones (see the README for the command).
 *
 * <p>The auth file's one user has a hash of one PBKDF2 iteration, so a check costs microseconds and
 * the fuzzer runs thousands a second; an unknown user costs the same, as in any file.
 */
class AuthFileFuzzTest {
  private static final String USER = "alice";
  private static final String PASSWORD = "right: password";
  private static final AuthFile AUTH = cheapAuthFile();

  @FuzzTest(maxDuration = "60s")
  void basicHeadersAreParsedOrRefusedAndNeverAcceptAGuess(byte[] data) {
    // Half the inputs are a Basic header around base64 of the bytes, so the fuzzer reaches the
    // user and password split as easily as the scheme and base64 checks.
    String header =
        data.length > 0 && (data[0] & 1) == 0
            ? "Basic "
                + Base64.getEncoder().encodeToString(Arrays.copyOfRange(data, 1, data.length))
            : new String(data, StandardCharsets.ISO_8859_1);
    AuthFile.Credentials credentials = AuthFile.parseBasic(header);
    boolean right = false;
    if (credentials != null) {
      assertThat(header).startsWithIgnoringCase("basic ");
      assertThat(credentials.user()).doesNotContain(":");
      assertThat(credentials.user() + new String(credentials.password()))
          .as("no control characters (RFC 7617)")
          .doesNotContainPattern("[\\x00-\\x1f\\x7f]");
      right =
          credentials.user().equals(USER) && new String(credentials.password()).equals(PASSWORD);
    }
    assertThat(AUTH.checkBasic(header)).isEqualTo(right);
  }

  @FuzzTest(maxDuration = "60s")
  void tokensAreParsedOrRefusedAndNeverAcceptAForgery(byte[] data) {
    String token = new String(data, StandardCharsets.UTF_8);
    AuthFile.Token parsed = AuthFile.parseToken(token);
    if (parsed != null) {
      assertThat(token).startsWith("2.");
    }
    for (String method : List.of("GET", "HEAD", "DELETE")) {
      for (String path : List.of("/", "/state", "/recordings/x.avi")) {
        assertThat(AUTH.checkToken(token, method, path)).as(method + " " + path).isFalse();
      }
    }
  }

  /** A file with one user whose hash has one iteration, and a fixed token secret. */
  private static AuthFile cheapAuthFile() {
    try {
      byte[] salt = "sixteen byte sal".getBytes(StandardCharsets.US_ASCII);
      PBEKeySpec spec = new PBEKeySpec(PASSWORD.toCharArray(), salt, 1, 256);
      byte[] hash =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      Path dir = Files.createTempDirectory("socketkit-auth-fuzz");
      Path file = dir.resolve("users");
      Files.write(
          file,
          List.of(
              "*token-secret:" + Base64.getEncoder().encodeToString(new byte[32]),
              USER
                  + ":pbkdf2-sha256:1:"
                  + Base64.getEncoder().encodeToString(salt)
                  + ":"
                  + Base64.getEncoder().encodeToString(hash)));
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return AuthFile.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
