package dev.socketkit.camera;

import dev.socketkit.camera.internal.mqtt.MqttLink;
import java.util.Map;

/**
 * One connection to an MQTT broker, shared by every camera of the process: each camera given to
 * {@link Camera.Builder#mqtt(MqttConnection)} publishes its motion, events and snapshots under its
 * own topic name and announces itself to Home Assistant, and the connection publishes {@code
 * PREFIX/status}: {@code online} on connect, {@code offline} as its last will and on {@link
 * #close()}.
 *
 * <p>A broker that is down or slow never slows a camera: messages wait in a bounded queue (the
 * oldest are dropped, and counted, when it is full), drained by one thread ({@code socketkit
 * mqtt}), and the connection is retried in the background with a back-off of 1 s doubling to 30 s.
 * {@link #start(MqttSettings)} returns at once, also when the broker cannot be reached.
 *
 * <p>Thread-safe. The caller owns it: close it after the cameras that use it.
 */
public final class MqttConnection implements AutoCloseable {
  private final MqttLink link;

  private MqttConnection(MqttLink link) {
    this.link = link;
  }

  /**
   * Starts connecting to the broker {@code settings} name, in the background.
   *
   * @throws IllegalArgumentException if the settings cannot be used (an unreadable CA file)
   */
  public static MqttConnection start(MqttSettings settings) {
    MqttLink link = new MqttLink(settings);
    link.start();
    return new MqttConnection(link);
  }

  /** The settings it was started with. */
  public MqttSettings settings() {
    return link.settings();
  }

  /** Whether the broker is connected now. */
  public boolean connected() {
    return link.connected();
  }

  /** Messages the broker has acknowledged. */
  public long published() {
    return link.published();
  }

  /** Messages lost because the queue was full or the broker refused them. */
  public long dropped() {
    return link.dropped();
  }

  /** Messages waiting for the broker. */
  public int queued() {
    return link.queued();
  }

  /** What {@code /state} shows under {@code mqtt}: the broker, counts, the last error. */
  public Map<String, Object> state() {
    return link.state();
  }

  MqttLink link() {
    return link;
  }

  /**
   * Lets the queued messages go out (two seconds at most), publishes {@code offline} and
   * disconnects, waiting a few seconds at most. Close the cameras first, so their last motion state
   * goes out.
   */
  @Override
  public void close() {
    link.close();
  }
}
