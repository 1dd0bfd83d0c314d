package dev.socketkit.camera;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how the cameras publish to an MQTT broker: the broker's address ({@code
 * mqtt://HOST[:PORT]}, or {@code mqtts://} for TLS), the user and password, the certificate
 * authority trusted for TLS, the topic prefixes and the size of the outgoing queue.
 *
 * <p>Made by {@link #builder(String)}, which checks every value in {@link Builder#build()}; given
 * to {@link MqttConnection#start(MqttSettings)}. Immutable and safe to share; {@link #toString()}
 * never shows the password.
 */
public final class MqttSettings {
  /** The default topic prefix: {@code socketkit/status}, {@code socketkit/CAMERA/motion}, ... */
  public static final String DEFAULT_TOPIC_PREFIX = "socketkit";

  /** Home Assistant's default discovery prefix. */
  public static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";

  private final URI broker;
  private final String user;
  private final char[] password;
  private final Path caFile;
  private final String topicPrefix;
  private final String discoveryPrefix;
  private final int queueMessages;
  private final long queueBytes;
  private final String softwareVersion;

  private MqttSettings(Builder b) {
    this.broker = b.broker;
    this.user = b.user;
    this.password = b.password == null ? null : b.password.clone();
    this.caFile = b.caFile;
    this.topicPrefix = checkTopicPart("topic prefix", b.topicPrefix);
    this.discoveryPrefix = checkTopicPart("discovery prefix", b.discoveryPrefix);
    if (b.queueMessages < 1) {
      throw new IllegalArgumentException(
          "queue messages: " + b.queueMessages + " (expected: >= 1)");
    }
    if (b.queueBytes < 1024) {
      throw new IllegalArgumentException("queue bytes: " + b.queueBytes + " (expected: >= 1024)");
    }
    if (password != null && user == null) {
      throw new IllegalArgumentException("an MQTT password needs a user name");
    }
    this.queueMessages = b.queueMessages;
    this.queueBytes = b.queueBytes;
    this.softwareVersion = Objects.requireNonNull(b.softwareVersion, "softwareVersion");
  }

  private static String checkTopicPart(String what, String value) {
    if (value == null
        || value.isEmpty()
        || value.startsWith("/")
        || value.endsWith("/")
        || value.contains("//")
        || value.chars().anyMatch(c -> c == '+' || c == '#' || c == 0)) {
      throw new IllegalArgumentException(
          what + ": '" + value + "' (expected: topic levels without + or #, such as socketkit)");
    }
    return value;
  }

  /**
   * A builder for the broker at {@code url}, {@code mqtt://HOST[:PORT]} (port 1883 by default) or
   * {@code mqtts://HOST[:PORT]} (TLS, port 8883 by default).
   *
   * @throws IllegalArgumentException if {@code url} is not such an address, or carries a user or
   *     password (they belong in a file, not in the command line)
   */
  public static Builder builder(String url) {
    return new Builder(parse(url));
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(Objects.requireNonNull(url, "url"));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "MQTT broker: '" + url + "' (expected: mqtt://HOST:1883 or mqtts://HOST:8883)", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("mqtt") && !scheme.equals("mqtts")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "MQTT broker: '" + url + "' (expected: mqtt://HOST:1883 or mqtts://HOST:8883)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "MQTT broker: give the user with --mqtt-user and the password in --mqtt-password-file,"
              + " not in the address (it would show in the process list)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if ((!path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "MQTT broker: '" + url + "' has a path or query (expected: mqtt://HOST:PORT)");
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("mqtts") ? 8883 : 1883;
    return URI.create(scheme + "://" + hostForUri(uri.getHost()) + ":" + port);
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The broker, {@code mqtt://HOST:PORT} or {@code mqtts://HOST:PORT}, never with credentials. */
  public URI broker() {
    return broker;
  }

  /** Whether the connection uses TLS ({@code mqtts://}). */
  public boolean tls() {
    return broker.getScheme().equals("mqtts");
  }

  /** The user name, or null to connect anonymously. */
  public String user() {
    return user;
  }

  /** A copy of the password (the caller clears it), or null. */
  public char[] password() {
    return password == null ? null : password.clone();
  }

  /** The PEM file of certificate authorities trusted for TLS, or null for the JDK's defaults. */
  public Path caFile() {
    return caFile;
  }

  /** The first level of every camera topic and of the status topic. */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** Home Assistant's discovery prefix. */
  public String discoveryPrefix() {
    return discoveryPrefix;
  }

  /** The most messages waiting for the broker; one more drops the oldest. */
  public int queueMessages() {
    return queueMessages;
  }

  /** The most payload bytes waiting for the broker; more drops the oldest messages. */
  public long queueBytes() {
    return queueBytes;
  }

  /** The version shown in Home Assistant's device page. */
  public String softwareVersion() {
    return softwareVersion;
  }

  @Override
  public String toString() {
    return "MqttSettings["
        + broker
        + (user == null ? "" : ", user " + user)
        + (password == null ? "" : ", password set")
        + ", prefix "
        + topicPrefix
        + "]";
  }

  /** Collects the settings; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final URI broker;
    private String user;
    private char[] password;
    private Path caFile;
    private String topicPrefix = DEFAULT_TOPIC_PREFIX;
    private String discoveryPrefix = DEFAULT_DISCOVERY_PREFIX;
    private int queueMessages = 256;
    private long queueBytes = 16L << 20;
    private String softwareVersion = "unknown";

    private Builder(URI broker) {
      this.broker = broker;
    }

    /** Connect as {@code user} (default: anonymously). */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /** The user's password (copied; clear yours). */
    public Builder password(char[] password) {
      if (this.password != null) {
        Arrays.fill(this.password, '\0');
      }
      this.password = password == null ? null : password.clone();
      return this;
    }

    /** Trust the certificate authorities of this PEM file for TLS instead of the JDK's. */
    public Builder caFile(Path caFile) {
      this.caFile = caFile;
      return this;
    }

    /** The topic prefix (default {@value MqttSettings#DEFAULT_TOPIC_PREFIX}). */
    public Builder topicPrefix(String prefix) {
      this.topicPrefix = prefix;
      return this;
    }

    /** Home Assistant's discovery prefix (default {@value #DEFAULT_DISCOVERY_PREFIX}). */
    public Builder discoveryPrefix(String prefix) {
      this.discoveryPrefix = prefix;
      return this;
    }

    /** The most messages waiting for the broker (default 256). */
    public Builder queueMessages(int messages) {
      this.queueMessages = messages;
      return this;
    }

    /** The most payload bytes waiting for the broker (default 16 MiB). */
    public Builder queueBytes(long bytes) {
      this.queueBytes = bytes;
      return this;
    }

    /** The version shown in Home Assistant (default {@code unknown}). */
    public Builder softwareVersion(String version) {
      this.softwareVersion = version;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the value that is wrong and what was expected
     */
    public MqttSettings build() {
      return new MqttSettings(this);
    }
  }
}
