package dev.socketkit.camera.internal.mqtt;

import dev.socketkit.camera.MqttSettings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/*
 * Design: the cameras never talk to Paho. Their messages go into a bounded OutboundQueue (a
 * short lock, never a wait), and one thread, "socketkit mqtt", publishes them one at a time and
 * waits for each acknowledgement, so a slow broker slows only this thread and fills only the
 * queue. Connecting: Paho's automatic reconnect (1 s doubling to MAX_RECONNECT_DELAY) takes over
 * once a first connection has been made, but Paho does not retry a first connect that fails, so
 * until then this thread retries with the same back-off itself; the camera starts either way.
 * On every (re)connection Paho calls connectComplete, which puts the announcement (status online,
 * each camera's discovery configs and motion state, all retained) at the head of the queue: a
 * broker restarted without persistence has lost them.
 */

/**
 * The process's one connection to the MQTT broker, and the thread that publishes every camera's
 * messages: status {@code online} on connect, {@code offline} as the last will and on {@link
 * #close()}.
 *
 * <p>Thread-safe. {@link #publish} and {@link #state()} may be called from any thread and never
 * wait for the network. Lifecycle: {@link #start()} once, {@link #close()} once; cameras {@link
 * #register} before start or after, and {@link #unregister} when they stop.
 */
public final class MqttLink implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MqttLink.class.getName());

  /** Longest wait between two connection attempts, as the issue asks (~30 s). */
  static final int MAX_RECONNECT_DELAY_MILLIS = 30_000;

  /** How long one connection attempt or one publication may take. */
  private static final long NETWORK_TIMEOUT_MILLIS = 10_000;

  /** How long {@link #close()} waits for {@code offline} and the disconnection. */
  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

  private final MqttSettings settings;
  private final OutboundQueue queue;
  private final MqttAsyncClient client;
  private final MqttConnectOptions options;
  private final String statusTopic;
  private final List<CameraTopics> cameras = new CopyOnWriteArrayList<>();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private volatile boolean running;
  private volatile boolean connected;
  private volatile boolean everConnected;
  private volatile String lastError;

  /**
   * A link to the broker {@code settings} name; nothing connects until {@link #start()}.
   *
   * @throws IllegalArgumentException if the CA file cannot be read or holds no certificate
   */
  public MqttLink(MqttSettings settings) {
    this.settings = settings;
    this.queue = new OutboundQueue(settings.queueMessages(), settings.queueBytes());
    this.statusTopic = settings.topicPrefix() + "/status";
    String scheme = settings.tls() ? "ssl" : "tcp";
    String serverUri =
        scheme + "://" + settings.broker().getRawAuthority().replaceFirst("^.*@", "");
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    // Unique per process: a second server with the same id would take this one's session over.
    String clientId = "socketkit-" + HexFormat.of().formatHex(random);
    try {
      this.client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("MQTT broker " + settings.broker() + ": " + e, e);
    }
    this.options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(MAX_RECONNECT_DELAY_MILLIS);
    options.setConnectionTimeout((int) TimeUnit.MILLISECONDS.toSeconds(NETWORK_TIMEOUT_MILLIS));
    options.setKeepAliveInterval(30);
    options.setWill(statusTopic, "offline".getBytes(StandardCharsets.UTF_8), 1, true);
    if (settings.user() != null) {
      options.setUserName(settings.user());
    }
    char[] password = settings.password();
    if (password != null) {
      options.setPassword(password); // Paho keeps the array it is given
    }
    if (settings.tls()) {
      options.setSocketFactory(tlsSocketFactory(settings));
      options.setHttpsHostnameVerificationEnabled(true);
    }
    client.setCallback(new Callback());
    this.thread = new Thread(this::run, "socketkit mqtt");
    thread.setDaemon(true);
  }

  private static SocketFactory tlsSocketFactory(MqttSettings settings) {
    try {
      if (settings.caFile() == null) {
        return SSLContext.getDefault().getSocketFactory();
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      try (InputStream in = Files.newInputStream(settings.caFile())) {
        for (Certificate certificate :
            CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("ca" + n++, certificate);
        }
      }
      if (n == 0) {
        throw new IllegalArgumentException(
            "the MQTT CA file " + settings.caFile() + " holds no certificate");
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the MQTT CA file " + settings.caFile() + ": " + e.getMessage(), e);
    }
  }

  /** The settings this link was made with. */
  public MqttSettings settings() {
    return settings;
  }

  /** Starts the MQTT thread, which connects (and keeps retrying) in the background. */
  public void start() {
    running = true;
    thread.start();
  }

  /**
   * Adds a camera; its announcement is published now if connected, and on every connection.
   *
   * @throws IllegalArgumentException if another camera has the same topic name
   */
  public void register(CameraTopics camera) {
    synchronized (cameras) {
      for (CameraTopics other : cameras) {
        if (other.slug().equals(camera.slug())) {
          throw new IllegalArgumentException(
              "two cameras would publish under the MQTT topic name " + camera.slug());
        }
      }
      cameras.add(camera);
    }
    if (connected) {
      queue.offerFirst(camera.announcement());
    }
  }

  /** Removes a camera: nothing more is announced for it. */
  public void unregister(CameraTopics camera) {
    cameras.remove(camera);
  }

  /** Queues a message for the broker; never waits. */
  void publish(OutboundMessage message) {
    queue.offer(message);
  }

  /** The topic of the availability status. */
  String statusTopic() {
    return statusTopic;
  }

  /** Whether a connection to the broker is up now. */
  public boolean connected() {
    return connected;
  }

  /** Messages the broker has acknowledged so far. */
  public long published() {
    return published.get();
  }

  /** Messages lost: dropped from the full queue, or refused by a connected broker. */
  public long dropped() {
    return queue.dropped() + failed.get();
  }

  /** Messages waiting for the broker now. */
  public int queued() {
    return queue.size();
  }

  /** What {@code /state} shows under {@code mqtt}; no credentials. */
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("broker", settings.broker().toString());
    state.put("connected", connected);
    state.put("published", published());
    state.put("dropped", dropped());
    state.put("queued", queued());
    state.put("lastError", lastError);
    List<String> topics = new ArrayList<>();
    for (CameraTopics camera : cameras) {
      topics.add(settings.topicPrefix() + "/" + camera.slug());
    }
    state.put("cameras", topics);
    return state;
  }

  private void run() {
    long backoff = 1000;
    boolean warned = false;
    while (running) {
      if (!everConnected) {
        try {
          client.connect(options).waitForCompletion(NETWORK_TIMEOUT_MILLIS + 1000);
          everConnected = true;
        } catch (MqttException e) {
          lastError = describe(e);
          if (!warned) {
            LOG.log(
                Level.WARNING,
                "cannot reach the MQTT broker "
                    + settings.broker()
                    + ": "
                    + lastError
                    + "; the camera goes on and retries in the background");
            warned = true;
          } else {
            LOG.log(Level.DEBUG, "MQTT connection attempt failed: " + lastError);
          }
          pause(backoff);
          backoff = Math.min(backoff * 2, MAX_RECONNECT_DELAY_MILLIS);
        }
        continue;
      }
      OutboundMessage message;
      try {
        message = queue.take(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (message == null) {
        continue;
      }
      if (!client.isConnected()) {
        queue.offerFirst(List.of(message)); // waits for Paho's reconnection
        pause(500);
        continue;
      }
      send(message);
    }
  }

  private void send(OutboundMessage message) {
    try {
      IMqttDeliveryToken token =
          client.publish(
              message.topic(), message.payload(), message.qos(), message.retained(), null, null);
      token.waitForCompletion(NETWORK_TIMEOUT_MILLIS);
      published.incrementAndGet();
    } catch (MqttException e) {
      lastError = describe(e);
      if (client.isConnected()) {
        failed.incrementAndGet(); // the broker is there and did not take it: do not loop on it
        LOG.log(Level.DEBUG, "MQTT message to " + message.topic() + " failed: " + lastError);
      } else {
        queue.offerFirst(List.of(message)); // the connection went: send it again on the next
      }
    }
  }

  /** Waits {@code millis}, or less when the link is closed or a connection comes up. */
  private void pause(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (long left; running && (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(this, left);
      if (connected && everConnected) {
        return;
      }
    }
  }

  private static String describe(MqttException e) {
    Throwable cause = e.getCause();
    String message = e.getMessage();
    if (cause != null && cause.getMessage() != null) {
      message = message + " (" + cause.getMessage() + ")";
    }
    return message;
  }

  /**
   * Gives the queued messages two seconds to go out, stops the MQTT thread, publishes {@code
   * offline} (retained) and disconnects, waiting a few seconds at most; messages still queued then
   * are dropped. Idempotent.
   */
  @Override
  public void close() {
    if (!running) {
      closeClient();
      return;
    }
    // Lets the last messages (a camera's final motion OFF) go out while the broker is there.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS);
    while (connected && queue.size() > 0 && System.nanoTime() < until) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
    }
    running = false;
    LockSupport.unpark(thread);
    queue.wakeUp();
    try {
      thread.join(NETWORK_TIMEOUT_MILLIS + 2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (client.isConnected()) {
      try {
        client
            .publish(statusTopic, "offline".getBytes(StandardCharsets.UTF_8), 1, true)
            .waitForCompletion(CLOSE_TIMEOUT_MILLIS);
        client.disconnect(CLOSE_TIMEOUT_MILLIS).waitForCompletion(CLOSE_TIMEOUT_MILLIS + 1000);
      } catch (MqttException e) {
        LOG.log(Level.DEBUG, "MQTT disconnection failed: " + describe(e));
      }
    }
    closeClient();
  }

  private void closeClient() {
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.log(Level.DEBUG, "closing the MQTT client failed: " + describe(e));
    }
  }

  /** Paho's callbacks, on its own thread. */
  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      connected = true;
      everConnected = true;
      lastError = null;
      LOG.log(
          Level.INFO,
          (reconnect ? "reconnected to" : "connected to")
              + " the MQTT broker "
              + settings.broker());
      List<OutboundMessage> announcement = new ArrayList<>();
      announcement.add(
          new OutboundMessage(statusTopic, "online".getBytes(StandardCharsets.UTF_8), 1, true));
      for (CameraTopics camera : cameras) {
        announcement.addAll(camera.announcement());
      }
      queue.offerFirst(announcement);
      LockSupport.unpark(thread);
    }

    @Override
    public void connectionLost(Throwable cause) {
      connected = false;
      lastError = String.valueOf(cause == null ? null : cause.getMessage());
      LOG.log(
          Level.WARNING,
          "lost the MQTT broker "
              + settings.broker()
              + ": "
              + lastError
              + "; reconnecting in the background");
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      // Nothing is subscribed.
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Counted where the token is awaited.
    }
  }
}
