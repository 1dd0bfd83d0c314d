package dev.socketkit.camera.internal.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MqttSettings;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One camera's topics: {@code PREFIX/CAMERA/motion} ({@code ON} / {@code OFF}, retained), {@code
 * PREFIX/CAMERA/events} (a JSON object per start and end), {@code PREFIX/CAMERA/snapshot} (the
 * event's JPEG, retained) and Home Assistant's discovery configs for a motion {@code binary_sensor}
 * and a {@code camera} showing the snapshot, both in one device.
 *
 * <p>The motion methods run on the motion detector's thread and only put messages in the link's
 * queue. Thread-safe. {@code CAMERA} is the {@link #slug} of the camera's name.
 */
public final class CameraTopics implements MotionListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] ON = "ON".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OFF = "OFF".getBytes(StandardCharsets.US_ASCII);

  private final MqttLink link;
  private final String cameraName;
  private final String slug;
  private final String base;
  private final String uniquePrefix;
  private volatile boolean motion;

  /** The topics of the camera {@code cameraName} on {@code link}; call {@link #register()}. */
  public CameraTopics(MqttLink link, String cameraName) {
    this.link = link;
    this.cameraName = cameraName;
    this.slug = slug(cameraName);
    MqttSettings settings = link.settings();
    this.base = settings.topicPrefix() + "/" + slug;
    // Stable across restarts (made of the prefix and the name only), and distinct for two servers
    // that share a broker under different prefixes.
    this.uniquePrefix = slug(settings.topicPrefix()) + "_" + slug;
  }

  /**
   * The camera's topic name: its name in lower case, accents removed, every run of characters other
   * than {@code [a-z0-9_-]} made one {@code _}; {@code camera} if nothing is left.
   */
  public static String slug(String name) {
    String plain =
        Normalizer.normalize(name == null ? "" : name, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}+", "")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_-]+", "_")
            .replaceAll("^_+|_+$", "");
    return plain.isEmpty() ? "camera" : plain;
  }

  /** The camera's topic name. */
  public String slug() {
    return slug;
  }

  /** Joins the link: announced now when connected, and on every connection. */
  public void register() {
    link.register(this);
  }

  /** Leaves the link. */
  public void unregister() {
    link.unregister(this);
  }

  /** The messages sent on every connection: discovery configs and the motion state. */
  List<OutboundMessage> announcement() {
    MqttSettings settings = link.settings();
    String node = uniquePrefix;
    List<OutboundMessage> messages = new ArrayList<>();

    ObjectNode sensor = entity("Motion", "motion");
    sensor.put("device_class", "motion");
    sensor.put("state_topic", base + "/motion");
    sensor.put("payload_on", "ON");
    sensor.put("payload_off", "OFF");
    sensor.put("json_attributes_topic", base + "/events");
    messages.add(
        config(settings.discoveryPrefix() + "/binary_sensor/" + node + "/motion/config", sensor));

    ObjectNode camera = entity("Motion snapshot", "snapshot");
    camera.put("topic", base + "/snapshot");
    messages.add(
        config(settings.discoveryPrefix() + "/camera/" + node + "/snapshot/config", camera));

    messages.add(new OutboundMessage(base + "/motion", motion ? ON : OFF, 1, true));
    return messages;
  }

  private ObjectNode entity(String name, String suffix) {
    ObjectNode entity = JSON.createObjectNode();
    entity.put("name", name);
    entity.put("unique_id", uniquePrefix + "_" + suffix);
    entity.put("availability_topic", link.statusTopic());
    entity.put("payload_available", "online");
    entity.put("payload_not_available", "offline");
    ObjectNode device = entity.putObject("device");
    device.putArray("identifiers").add(uniquePrefix);
    device.put("name", cameraName);
    device.put("manufacturer", "socketkit");
    device.put("model", "socketkit");
    device.put("sw_version", link.settings().softwareVersion());
    return entity;
  }

  private static OutboundMessage config(String topic, ObjectNode payload) {
    return new OutboundMessage(topic, bytes(payload), 1, true);
  }

  private static byte[] bytes(ObjectNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void started(MotionEvent event) {
    motion = true;
    link.publish(new OutboundMessage(base + "/motion", ON, 1, true));
    link.publish(new OutboundMessage(base + "/events", eventJson(event, "start"), 1, false));
    if (event.snapshot() != null) {
      link.publish(new OutboundMessage(base + "/snapshot", event.snapshot(), 0, true));
    }
  }

  @Override
  public void ended(MotionEvent event) {
    motion = false;
    link.publish(new OutboundMessage(base + "/motion", OFF, 1, true));
    link.publish(new OutboundMessage(base + "/events", eventJson(event, "end"), 1, false));
    if (event.snapshot() != null) {
      // The peak may have come after the start: the camera entity shows the event's best frame.
      link.publish(new OutboundMessage(base + "/snapshot", event.snapshot(), 0, true));
    }
  }

  /**
   * An event as JSON: the camera, start or end, when, the event id, the peak score, and the paths
   * of the event (whose page names its recording) and of its snapshot on the camera's server.
   */
  private byte[] eventJson(MotionEvent event, String type) {
    ObjectNode node = JSON.createObjectNode();
    node.put("camera", cameraName);
    node.put("topic", slug);
    node.put("type", type);
    node.put("time", (type.equals("end") ? event.end() : event.start()).toString());
    node.put("id", event.id());
    node.put("start", event.start().toString());
    node.put("end", event.ended() ? event.end().toString() : null);
    node.put("score", event.peakScore());
    node.put("event", "/events/" + event.id());
    node.put("snapshot", "/events/" + event.id() + "/snapshot.jpg");
    node.put("recordings", "/recordings");
    return bytes(node);
  }
}
