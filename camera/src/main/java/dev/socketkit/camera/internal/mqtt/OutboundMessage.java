package dev.socketkit.camera.internal.mqtt;

import java.util.Objects;

/**
 * One message waiting for the broker: its topic, payload, QoS (0 or 1) and whether the broker
 * retains it for later subscribers. Immutable; the payload array is shared and never modified.
 */
final class OutboundMessage {
  private final String topic;
  private final byte[] payload;
  private final int qos;
  private final boolean retained;

  OutboundMessage(String topic, byte[] payload, int qos, boolean retained) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.payload = Objects.requireNonNull(payload, "payload");
    if (qos < 0 || qos > 1) {
      throw new IllegalArgumentException("qos: " + qos + " (expected: 0 or 1)");
    }
    this.qos = qos;
    this.retained = retained;
  }

  String topic() {
    return topic;
  }

  /** The payload; shared, never modify it. */
  byte[] payload() {
    return payload;
  }

  int qos() {
    return qos;
  }

  boolean retained() {
    return retained;
  }

  @Override
  public String toString() {
    return "OutboundMessage[" + topic + ", " + payload.length + " bytes]";
  }
}
