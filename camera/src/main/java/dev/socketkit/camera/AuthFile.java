package dev.socketkit.camera;

import dev.socketkit.camera.internal.LoginLimiter;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * <p>Slow hashes run at most {@link #HASHING_SLOTS} at once. The camera's requests wait at most
 * {@link #HASH_WAIT} for a slot and go through a per-address failed-login limit ({@link
 * dev.socketkit.camera.internal.LoginLimiter}), so a flood of wrong passwords is answered 503 or
 * 429 rather than queued ahead of a right one; {@link #check} and {@link #checkBasic} wait for a
 * slot as long as it takes and count no failures.
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
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  /** How often, at most, a check looks whether the file changed. */
  static final Duration RELOAD_INTERVAL = Duration.ofSeconds(1);

  /**
   * Slow hashes computed at once: one per processor, so a flood of guesses cannot queue more work
   * than the machine can do, and never more than that.
   */
  static final int HASHING_SLOTS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /**
   * The longest a login waits for a hashing slot before it is answered 503 (about eight slow hashes
   * ahead of it per slot): a flood of wrong passwords may refuse a right one for a moment, never
   * delay it for minutes.
   */
  static final Duration HASH_WAIT = Duration.ofSeconds(2);

  private static final System.Logger LOG = System.getLogger(AuthFile.class.getName());

  private final Path file;
  private volatile Content content;
  private volatile Object stamp;
  private final AtomicLong nextLook = new AtomicLong();
  private final byte[] processKey = randomBytes(32);
  private final AtomicLong slowHashes = new AtomicLong();
  private final Semaphore hashing = new Semaphore(HASHING_SLOTS, true);
  private final LoginLimiter limiter = new LoginLimiter();

  @SuppressWarnings("ArrayRecordComponent") // private, never compared or exposed
  private record Entry(int iterations, byte[] salt, byte[] hash) {}

  /**
   * One reading of the file: its users, token secret, the logins verified against exactly these
   * entries (so a change of the file empties the cache), and the entry an unknown user is checked
   * against (as many iterations as the costliest user, so an unknown name takes as long).
   */
  @SuppressWarnings("ArrayRecordComponent") // private, never compared or exposed
  private record Content(
      Map<String, Entry> users, byte[] tokenSecret, Set<String> verified, Entry dummy) {}

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
    int costliest = users.values().stream().mapToInt(Entry::iterations).max().orElse(ITERATIONS);
    return new Content(
        java.util.Collections.unmodifiableMap(users),
        secret,
        ConcurrentHashMap.newKeySet(),
        new Entry(costliest, randomBytes(16), randomBytes(32)));
  }

  /**
   * Sets {@code user}'s password in {@code file}, creating the file (readable by its owner only,
   * with a fresh token secret) when it does not exist. The file is replaced atomically.
   *
   * @throws IllegalArgumentException if the user name is not 1 to 64 of {@code A-Za-z0-9._@+-}, or
   *     the password is empty or has a control character (Basic auth cannot send one)
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
    if (hasControlCharacter(password, 0, password.length)) {
      // Basic auth cannot carry it (RFC 7617, section 2): such a password could never log in.
      throw new IllegalArgumentException("the password has a control character (tab, NUL, ...)");
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
   * one. Waits for a hashing slot as long as it takes, and counts no failure: the camera's own
   * requests go through the bounded, per-address checks instead. Any thread.
   */
  public boolean check(String user, char[] password) {
    return verify(current(), user, password, -1) == Verdict.ACCEPTED;
  }

  /** What a login came to. */
  enum Verdict {
    /** The user and password are right. */
    ACCEPTED,
    /** They are wrong, or the header is not Basic credentials. */
    REFUSED,
    /** The client's address failed too often lately: answer 429, hash nothing. */
    LOCKED_OUT,
    /** No hashing slot freed within {@link #HASH_WAIT}: answer 503; not a failure. */
    BUSY
  }

  /**
   * A login's verdict and, for {@link Verdict#LOCKED_OUT} and {@link Verdict#BUSY}, the seconds the
   * client should wait ({@code Retry-After}); zero otherwise.
   */
  record Login(Verdict verdict, long retryAfterSeconds) {}

  /**
   * Checks an {@code Authorization} header from {@code client} as the camera does for each request:
   * a login verified before is accepted at once; an address locked out by {@link LoginLimiter} is
   * refused without hashing; otherwise the slow hash waits at most {@link #HASH_WAIT} for a slot,
   * and a wrong or malformed credential counts as a failure of {@code client} (logged once when it
   * locks the address out). A null {@code client} (a Unix-domain socket) is not limited. Any
   * thread.
   */
  Login login(String authorization, InetAddress client) {
    Content now = current();
    Credentials credentials = parseBasic(authorization);
    try {
      if (credentials != null && remembered(now, credentials.user(), credentials.password())) {
        return new Login(Verdict.ACCEPTED, 0);
      }
      if (client != null) {
        Duration locked = limiter.lockedOutFor(client);
        if (!locked.isZero()) {
          return new Login(Verdict.LOCKED_OUT, seconds(locked));
        }
      }
      Verdict verdict =
          credentials == null
              ? Verdict.REFUSED
              : verify(now, credentials.user(), credentials.password(), HASH_WAIT.toNanos());
      if (verdict == Verdict.BUSY) {
        return new Login(Verdict.BUSY, seconds(HASH_WAIT));
      }
      if (verdict == Verdict.REFUSED && client != null && limiter.failed(client)) {
        LOG.log(
            System.Logger.Level.WARNING,
            client.getHostAddress()
                + " failed "
                + LoginLimiter.MAX_FAILURES
                + " logins within "
                + LoginLimiter.WINDOW.toSeconds()
                + " s: refused (429) for "
                + LoginLimiter.WINDOW.toSeconds()
                + " s");
      }
      return new Login(verdict, 0);
    } finally {
      if (credentials != null) {
        Arrays.fill(credentials.password(), '\0');
      }
    }
  }

  /** The hashing slots; for tests, which hold them to starve a login. */
  Semaphore hashingSlots() {
    return hashing;
  }

  private static long seconds(Duration duration) {
    return Math.max(1, (duration.toMillis() + 999) / 1000);
  }

  private boolean remembered(Content now, String user, char[] password) {
    return now.users().containsKey(user) && now.verified().contains(rememberKey(user, password));
  }

  /**
   * Verifies {@code password}: a remembered login at once, else the slow hash, waiting for a slot
   * at most {@code waitNanos} ({@link Verdict#BUSY} after that), or without bound when negative.
   */
  private Verdict verify(Content now, String user, char[] password, long waitNanos) {
    Entry entry = now.users().get(user);
    // Only a user and password that verified before is remembered: a wrong guess for a user who
    // logged in misses, and pays the slow hash like any other guess.
    String remembered = rememberKey(user, password);
    if (entry != null && now.verified().contains(remembered)) {
      return Verdict.ACCEPTED;
    }
    Entry against = entry != null ? entry : now.dummy();
    Entry computed;
    if (waitNanos < 0) {
      hashing.acquireUninterruptibly();
    } else {
      try {
        if (!hashing.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
          return Verdict.BUSY;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Verdict.BUSY;
      }
    }
    try {
      slowHashes.incrementAndGet();
      computed = hash(password, against.salt(), against.iterations());
    } finally {
      hashing.release();
    }
    boolean ok = MessageDigest.isEqual(computed.hash(), against.hash()) && entry != null;
    if (ok) {
      now.verified().add(remembered);
    }
    return ok ? Verdict.ACCEPTED : Verdict.REFUSED;
  }

  /** How many slow (PBKDF2) hashes {@link #check} has computed; for tests. */
  long slowHashes() {
    return slowHashes.get();
  }

  /**
   * Whether an {@code Authorization} header value is {@code Basic} with a valid user and password.
   * Null or malformed values are false. Waits for a hashing slot as {@link #check} does. Any
   * thread.
   */
  public boolean checkBasic(String authorization) {
    Credentials credentials = parseBasic(authorization);
    if (credentials == null) {
      return false;
    }
    try {
      return check(credentials.user(), credentials.password());
    } finally {
      Arrays.fill(credentials.password(), '\0');
    }
  }

  /** A user name and password from a Basic header; the caller clears the password. */
  @SuppressWarnings("ArrayRecordComponent") // package-private, never compared
  record Credentials(String user, char[] password) {}

  /**
   * The user and password of a {@code Basic} {@code Authorization} header value (RFC 7617: the
   * scheme in any case, base64 of UTF-8 {@code user:password}, split at the first colon), or null
   * when the value is null, not Basic, not base64, has no colon or has a control character. Never
   * throws.
   */
  static Credentials parseBasic(String authorization) {
    if (authorization == null || authorization.length() < 7) {
      return null;
    }
    if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(decoded));
    char[] text = new char[chars.remaining()];
    chars.get(text);
    Arrays.fill(decoded, (byte) 0);
    try {
      // RFC 7617, section 2: no control characters. HMAC pads a short key with zero bytes, so
      // PBKDF2 hashes "pw" and "pw\0" alike: a NUL must not reach it.
      if (hasControlCharacter(text, 0, text.length)) {
        return null;
      }
      for (int i = 0; i < text.length; i++) {
        if (text[i] == ':') {
          return new Credentials(
              new String(text, 0, i), Arrays.copyOfRange(text, i + 1, text.length));
        }
      }
      return null;
    } finally {
      Arrays.fill(text, '\0');
    }
  }

  /** The longest a link token may be valid. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(365);

  /**
   * The paths a link token opens when none are given: the live view, its streams (MJPEG, H.264 in
   * fragmented MP4, and everything under {@code /hls/}), the snapshot and the state the page reads.
   */
  public static final List<String> DEFAULT_TOKEN_PATHS =
      List.of(
          "/", "/index.html", "/stream.mjpg", "/stream.mp4", "/hls/*", "/snapshot.jpg", "/state");

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
    Token parsed = parseToken(token);
    if (parsed == null) {
      return false;
    }
    Content now = current();
    Entry entry = now.users().get(parsed.user());
    if (entry == null
        || !MessageDigest.isEqual(
            parsed.signature(),
            sign(now.tokenSecret(), parsed.user(), entry, parsed.expiry(), parsed.scope()))
        || Instant.now().getEpochSecond() >= parsed.expiry()) {
      return false;
    }
    for (String allowed : parsed.scope().split(",", -1)) {
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

  private static boolean hasControlCharacter(char[] text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text[i] < 0x20 || text[i] == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** The parts of a link token, not yet verified. */
  @SuppressWarnings("ArrayRecordComponent") // package-private, never compared
  record Token(String user, long expiry, String scope, byte[] signature) {}

  /**
   * The parts of a {@code 2.USER.EXPIRY.SCOPE.SIGNATURE} token, or null when it has not five parts,
   * another version, a part that is not base64url, or an expiry that is not a decimal number.
   * Checks no signature. Never throws.
   */
  static Token parseToken(String token) {
    if (token == null) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals(TOKEN_VERSION)) {
      return null;
    }
    try {
      Base64.Decoder decoder = Base64.getUrlDecoder();
      return new Token(
          new String(decoder.decode(parts[1]), StandardCharsets.UTF_8),
          Long.parseLong(parts[2]),
          new String(decoder.decode(parts[3]), StandardCharsets.UTF_8),
          decoder.decode(parts[4]));
    } catch (IllegalArgumentException e) {
      return null;
    }
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
