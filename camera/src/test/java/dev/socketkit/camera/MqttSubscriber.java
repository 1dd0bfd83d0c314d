package dev.socketkit.camera;

import dev.socketkit.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A test's MQTT subscriber to every topic ({@code #}) of a broker, keeping what it receives in
 * order. Paho's callback thread adds; the test thread reads. Close it.
 */
final class MqttSubscriber implements AutoCloseable {
  /** One message received; the payload as ISO-8859-1 text, so every byte is one char. */
  record Received(String topic, String payload, boolean retained) {
    String text() {
      return new String(payload.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    boolean isJpeg() {
      return payload.length() > 2 && payload.charAt(0) == 0xFF && payload.charAt(1) == 0xD8;
    }
  }

  private final MqttClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  MqttSubscriber(int port, String user, char[] password) throws MqttException {
    client =
        new MqttClient(
            "tcp://127.0.0.1:" + port,
            "test-" + System.nanoTime() % 1_000_000_000L,
            new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    if (user != null) {
      options.setUserName(user);
      options.setPassword(password);
    }
    client.connect(options);
    client.subscribe(
        "#",
        1,
        (topic, message) ->
            received.add(
                new Received(
                    topic,
                    new String(message.getPayload(), StandardCharsets.ISO_8859_1),
                    message.isRetained())));
  }

  /** Everything received so far, in order. */
  List<Received> received() {
    return List.copyOf(received);
  }

  /** The first message on {@code topic} whose text {@code test} accepts, if any came. */
  Optional<Received> find(String topic, java.util.function.Predicate<Received> test) {
    return received.stream().filter(r -> r.topic().equals(topic) && test.test(r)).findFirst();
  }

  /** Waits up to 45 s for a message on {@code topic} that {@code test} accepts. */
  Received await(String topic, java.util.function.Predicate<Received> test) throws Exception {
    return Await.value(
        Duration.ofSeconds(45),
        () -> find(topic, test).orElse(null),
        () -> "a message on " + topic + "; received: " + summary());
  }

  /** Waits for a message on {@code topic} whose text is {@code text}. */
  Received await(String topic, String text) throws Exception {
    return await(topic, r -> r.text().equals(text));
  }

  /** Forgets what was received (to wait for what comes next). */
  void clear() {
    received.clear();
  }

  private String summary() {
    StringBuilder s = new StringBuilder();
    for (Received r : received) {
      s.append(r.topic())
          .append('=')
          .append(r.isJpeg() ? "<jpeg>" : r.text().substring(0, Math.min(60, r.text().length())))
          .append("; ");
    }
    return s.toString();
  }

  @Override
  public void close() throws MqttException {
    try {
      if (client.isConnected()) {
        client.disconnect(1000);
      }
    } finally {
      client.close(true);
    }
  }
}
