package dev.socketkit.camera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The camera's users and the secret of its signed links, kept in one text file.
 *
 * <p>Format, one entry a line ({@code #} starts a comment):
 *
 * <pre>
 * *token-secret:BASE64                         (32 random bytes; signs ?token= links)
 * USER:pbkdf2-sha256:ITERATIONS:SALT:HASH      (BASE64 salt of 16 bytes, hash of 32 bytes)
 * </pre>
 *
 * <p>Passwords are hashed with PBKDF2WithHmacSHA256 ({@value #ITERATIONS} iterations, OWASP's
 * figure) and a random salt per user; hashes are compared with {@link MessageDigest#isEqual}
 * (constant time). A check of an unknown user costs as much as a known one. Because a slow hash on
 * every request would make each page load cost seconds of CPU, a user and password pair that
 * verified once is remembered for this process as an HMAC of both under a random per-process key
 * (never the password itself); a later check of exactly that pair is a set lookup, and any other
 * pair (a wrong guess for a user who logged in included) pays the slow hash.
 *
 * <p>Tokens are {@code 2.USER.EXPIRY.SCOPE.SIGNATURE} (user, scope and signature in base64url): the
 * user who made it, the expiry in epoch seconds, the paths it opens (comma-separated; a trailing
 * {@code *} opens a prefix) for GET and HEAD only, and an HMAC-SHA256 of all of them under a key
 * derived from the file's token secret and the user's current password entry. Deleting the user,
 * setting their password again or changing the secret (delete the line; {@code camera passwd} makes
 * a new one) revokes the user's links. Tokens of the older {@code EXPIRY.SIGNATURE} format are
 * refused.
 *
 * <p>The file is read again when it changes: a check looks at its identity, size and modification
 * time at most once a second and, when they differ, parses it afresh with an empty success cache,
 * so a changed password, a deleted user or a new token secret takes effect within about a second. A
 * file that no longer parses keeps the last good reading (logged as a warning).
 *
 * <p>Instances are thread-safe.
 */
public final class AuthFile {
  /** PBKDF2-HMAC-SHA256 iterations for new hashes (OWASP Password Storage Cheat Sheet, 2023). */
  public static final int ITERATIONS = 600_000;

  /** The most iterations a loaded entry may ask for: more would make one check take minutes. */
  private static final int MAX_ITERATIONS = 100_000_000;

  private static final String SECRET_PREFIX = "*token-secret:";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final java.util.concurrent.Semaphore HASHING =
      new java.util.concurrent.Semaphore(1, true);
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  /** How often, at most, a check looks whether the file changed. */
  static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(AuthFile.class.getName());

  private final Path file;
  private volatile Content content;
  private volatile Object stamp;
  private final AtomicLong nextLook = new AtomicLong();
  private final byte[] processKey = randomBytes(32);
  private final AtomicLong slowHashes = new AtomicLong();
  private final Entry dummy = hash(new char[] {'x'}, randomBytes(16), ITERATIONS);

  @SuppressWarnings("ArrayRecordComponent") // private, never compared or exposed
  private record Entry(int iterations, byte[] salt, byte[] hash) {}

  /**
   * One reading of the file: its users, token secret, and the logins verified against exactly these
   * entries (so a change of the file empties the cache).
   */
  @SuppressWarnings("ArrayRecordComponent") // private, never compared or exposed
  private record Content(Map<String, Entry> users, byte[] tokenSecret, Set<String> verified) {}

  private AuthFile(Path file, Content content, Object stamp) {
    this.file = file;
    this.content = content;
    this.stamp = stamp;
    this.nextLook.set(System.nanoTime() + RELOAD_INTERVAL.toNanos());
  }

  /**
   * Reads an auth file.
   *
   * @throws IOException if it cannot be read, or (as an {@link IllegalArgumentException}) if a line
   *     is malformed or the file has no users
   */
  public static AuthFile load(Path file) throws IOException {
    Object stamp = stampOf(file);
    return new AuthFile(file, parse(file), stamp);
  }

  /**
   * The file's content now, read again when its identity, size or modification time changed since
   * the last reading; looked at no more than once per {@link #RELOAD_INTERVAL}. A file that cannot
   * be read or parsed keeps the last good reading (logged), and is tried again at the next look.
   */
  private Content current() {
    long now = System.nanoTime();
    long next = nextLook.get();
    if (now - next < 0 || !nextLook.compareAndSet(next, now + RELOAD_INTERVAL.toNanos())) {
      return content;
    }
    synchronized (this) {
      try {
        Object seen = stampOf(file);
        if (!seen.equals(stamp)) {
          content = parse(file);
          stamp = seen;
          LOG.log(System.Logger.Level.INFO, "auth file " + file + " changed: read again");
        }
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "auth file " + file + " cannot be read again, keeping the last good one: " + e);
      }
      return content;
    }
  }

  /**
   * Reads the file again now, whatever its modification time says (for SIGHUP), with an empty
   * success cache; from then on every check uses the new reading. Any thread.
   *
   * @return how many users the new reading has
   * @throws IOException if the file cannot be read, or (as an {@link IllegalArgumentException}) if
   *     a line is malformed or the file has no users; either way the last good reading stays in
   *     force
   */
  public int reload() throws IOException {
    synchronized (this) {
      Object seen = stampOf(file);
      Content fresh = parse(file);
      content = fresh;
      stamp = seen;
      return fresh.users().size();
    }
  }

  private static Object stampOf(Path file) throws IOException {
    java.nio.file.attribute.BasicFileAttributes attributes =
        Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    return List.of(
        String.valueOf(attributes.fileKey()),
        attributes.size(),
        attributes.lastModifiedTime().toString());
  }

  private static Content parse(Path file) throws IOException {
    Map<String, Entry> users = new LinkedHashMap<>();
    byte[] secret = null;
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String user;
      Entry entry;
      try {
        if (text.startsWith(SECRET_PREFIX)) {
          secret = Base64.getDecoder().decode(text.substring(SECRET_PREFIX.length()));
          continue;
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 5
            || !parts[1].equals("pbkdf2-sha256")
            || !USER.matcher(parts[0]).matches()) {
          throw new IllegalArgumentException("bad line");
        }
        user = parts[0];
        entry =
            new Entry(
                Integer.parseInt(parts[2]),
                Base64.getDecoder().decode(parts[3]),
                Base64.getDecoder().decode(parts[4]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file
                + " line "
                + number
                + " is not 'USER:pbkdf2-sha256:ITERATIONS:SALT:HASH' (make entries with:"
                + " socketkit camera passwd "
                + file
                + " USER)",
            e);
      }
      if (entry.iterations() < 1 || entry.iterations() > MAX_ITERATIONS) {
        throw new IllegalArgumentException(
            file
                + " line "
                + number
                + " asks for "
                + entry.iterations()
                + " PBKDF2 iterations (expected: 1 to "
                + MAX_ITERATIONS
                + "; set the password again with: socketkit camera passwd "
                + file
                + " "
                + user
                + ")");
      }
      users.put(user, entry);
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException(
          file + " has no users (add one with: socketkit camera passwd " + file + " USER)");
    }
    if (secret == null || secret.length < 16) {
      // An older or hand-made file: derive a secret from the hashes, which only the file holds.
      secret = derivedSecret(users);
    }
    return new Content(
        java.util.Collections.unmodifiableMap(users), secret, ConcurrentHashMap.newKeySet());
  }

  /**
   * Sets {@code user}'s password in {@code file}, creating the file (readable by its owner only,
   * with a fresh token secret) when it does not exist. The file is replaced atomically.
   *
   * @throws IllegalArgumentException if the user name is not 1 to 64 of {@code A-Za-z0-9._@+-}, or
   *     the password is empty
   * @throws IOException if the file cannot be read or written
   */
  public static void setPassword(Path file, String user, char[] password) throws IOException {
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "user name '" + user + "' (expected: 1 to 64 of letters, digits and . _ @ + -)");
    }
    if (password.length == 0) {
      throw new IllegalArgumentException("the password is empty");
    }
    List<String> lines = new ArrayList<>();
    boolean hasSecret = false;
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.strip().startsWith(user + ":")) {
          continue;
        }
        hasSecret |= line.strip().startsWith(SECRET_PREFIX);
        lines.add(line);
      }
    } else {
      lines.add("# socketkit camera users: USER:pbkdf2-sha256:ITERATIONS:SALT:HASH");
    }
    if (!hasSecret) {
      lines.add(SECRET_PREFIX + Base64.getEncoder().encodeToString(randomBytes(32)));
    }
    Entry entry = hash(password, randomBytes(16), ITERATIONS);
    lines.add(
        user
            + ":pbkdf2-sha256:"
            + entry.iterations()
            + ":"
            + Base64.getEncoder().encodeToString(entry.salt())
            + ":"
            + Base64.getEncoder().encodeToString(entry.hash()));
    Path absolute = file.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), ".socketkit-auth", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system (Windows): the default ACL applies
      }
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(
          temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The user names, in file order. */
  public List<String> users() {
    return List.copyOf(current().users().keySet());
  }

  /**
   * Whether {@code password} is {@code user}'s. Takes as long for an unknown user as for a known
   * one. Any thread.
   */
  public boolean check(String user, char[] password) {
    Content now = current();
    Entry entry = now.users().get(user);
    // Only a user and password that verified before is remembered: a wrong guess for a user who
    // logged in misses, and pays the slow hash like any other guess.
    String remembered = rememberKey(user, password);
    if (entry != null && now.verified().contains(remembered)) {
      return true;
    }
    Entry against = entry != null ? entry : dummy;
    Entry computed;
    // One slow hash at a time: a client guessing passwords can take one core, never all of them.
    HASHING.acquireUninterruptibly();
    try {
      slowHashes.incrementAndGet();
      computed = hash(password, against.salt(), against.iterations());
    } finally {
      HASHING.release();
    }
    boolean ok = MessageDigest.isEqual(computed.hash(), against.hash()) && entry != null;
    if (ok) {
      now.verified().add(remembered);
    }
    return ok;
  }

  /** How many slow (PBKDF2) hashes {@link #check} has computed; for tests. */
  long slowHashes() {
    return slowHashes.get();
  }

  /**
   * Whether an {@code Authorization} header value is {@code Basic} with a valid user and password.
   * Null or malformed values are false.
   */
  public boolean checkBasic(String authorization) {
    if (authorization == null || authorization.length() < 7) {
      return false;
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(decoded));
    char[] text = new char[chars.remaining()];
    chars.get(text);
    Arrays.fill(decoded, (byte) 0);
    try {
      int colon = -1;
      for (int i = 0; i < text.length; i++) {
        if (text[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon < 0) {
        return false;
      }
      return check(new String(text, 0, colon), Arrays.copyOfRange(text, colon + 1, text.length));
    } finally {
      Arrays.fill(text, '\0');
    }
  }

  /** The longest a link token may be valid. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(365);

  /**
   * The paths a link token opens when none are given: the live view, its stream, the snapshot and
   * the state the page reads.
   */
  public static final List<String> DEFAULT_TOKEN_PATHS =
      List.of("/", "/index.html", "/stream.mjpg", "/snapshot.jpg", "/state");

  private static final String TOKEN_VERSION = "2";
  private static final Pattern TOKEN_PATH = Pattern.compile("/[!-~&&[^,]]{0,255}");

  /**
   * A signed link token for the default paths ({@link #DEFAULT_TOKEN_PATHS}), made by the file's
   * first user, valid until now plus {@code ttl}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not above zero and at most {@link
   *     #MAX_TOKEN_TTL}
   */
  public String makeToken(Duration ttl) {
    return makeToken(users().get(0), ttl, DEFAULT_TOKEN_PATHS);
  }

  /**
   * A signed link token made by {@code user}, valid until now plus {@code ttl}, for GET and HEAD of
   * {@code paths} only. A path ending in {@code *} opens every path that starts with what comes
   * before it ({@code /recordings*}). The token is signed with a key derived from the file's token
   * secret and the user's current password entry, so deleting the user, setting their password
   * again or rotating the secret revokes it. Any thread.
   *
   * @throws IllegalArgumentException if the user is not in the file, {@code ttl} is not above zero
   *     and at most {@link #MAX_TOKEN_TTL}, or a path does not start with {@code /}, has a comma,
   *     space or control character, or is longer than 256 characters
   */
  public String makeToken(String user, Duration ttl, List<String> paths) {
    Content now = current();
    Entry entry = now.users().get(user);
    if (entry == null) {
      throw new IllegalArgumentException("no user '" + user + "' in the auth file");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0 and at most 365 days)");
    }
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one path");
    }
    for (String path : paths) {
      if (!TOKEN_PATH.matcher(path).matches()) {
        throw new IllegalArgumentException(
            "path '" + path + "' (expected: /..., without commas, spaces or control characters)");
      }
    }
    long expiry = Instant.now().plus(ttl).getEpochSecond();
    String scope = String.join(",", paths);
    return TOKEN_VERSION
        + "."
        + URL.encodeToString(user.getBytes(StandardCharsets.UTF_8))
        + "."
        + expiry
        + "."
        + URL.encodeToString(scope.getBytes(StandardCharsets.UTF_8))
        + "."
        + URL.encodeToString(sign(now.tokenSecret(), user, entry, expiry, scope));
  }

  /**
   * Whether {@code token} lets a {@code method} request read {@code path}: it was signed for a user
   * still in the file with the password and token secret in force now, has not expired, names
   * {@code path} in its scope, and {@code method} is GET or HEAD. Tokens of the older, unscoped
   * format are refused. Null or malformed tokens are false. Any thread.
   */
  public boolean checkToken(String token, String method, String path) {
    if (token == null || path == null || !("GET".equals(method) || "HEAD".equals(method))) {
      return false;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals(TOKEN_VERSION)) {
      return false;
    }
    String user;
    long expiry;
    String scope;
    byte[] signature;
    try {
      Base64.Decoder decoder = Base64.getUrlDecoder();
      user = new String(decoder.decode(parts[1]), StandardCharsets.UTF_8);
      expiry = Long.parseLong(parts[2]);
      scope = new String(decoder.decode(parts[3]), StandardCharsets.UTF_8);
      signature = decoder.decode(parts[4]);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Content now = current();
    Entry entry = now.users().get(user);
    if (entry == null
        || !MessageDigest.isEqual(signature, sign(now.tokenSecret(), user, entry, expiry, scope))
        || Instant.now().getEpochSecond() >= expiry) {
      return false;
    }
    for (String allowed : scope.split(",", -1)) {
      boolean matches =
          allowed.endsWith("*")
              ? path.startsWith(allowed.substring(0, allowed.length() - 1))
              : path.equals(allowed);
      if (matches) {
        return true;
      }
    }
    return false;
  }

  /**
   * The signature of a token: an HMAC under a key derived from the token secret and the user's
   * current salt and hash, so a new password or a deleted user voids it.
   */
  private static byte[] sign(
      byte[] tokenSecret, String user, Entry entry, long expiry, String scope) {
    byte[] key =
        hmac(
            tokenSecret,
            "socketkit-camera-link-key\n"
                + user
                + "\n"
                + B64.encodeToString(entry.salt())
                + "\n"
                + B64.encodeToString(entry.hash()));
    return hmac(key, "socketkit-camera-link-v2\n" + user + "\n" + expiry + "\n" + scope);
  }

  private String rememberKey(String user, char[] password) {
    return B64.encodeToString(hmac(processKey, user + "\0" + new String(password)));
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks HmacSHA256", e);
    }
  }

  private static byte[] derivedSecret(Map<String, Entry> users) {
    StringBuilder all = new StringBuilder();
    users.forEach((u, e) -> all.append(u).append(B64.encodeToString(e.hash())));
    return hmac(
        "socketkit-camera-derived-token-secret".getBytes(StandardCharsets.UTF_8), all.toString());
  }

  private static Entry hash(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return new Entry(
          iterations,
          salt,
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
