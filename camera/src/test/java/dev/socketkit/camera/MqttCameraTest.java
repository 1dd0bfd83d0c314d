package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera with motion detection publishing to a real mosquitto broker (started by the test): what
 * Home Assistant receives, and a broker that goes away and comes back.
 */
@Timeout(120)
class MqttCameraTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Camera.Builder camera(MqttConnection mqtt) {
    return CameraServerTest.camera()
        .name("Front Door")
        .motion(MotionSettings.defaults()) // the test pattern moves: an event starts at once
        .mqtt(mqtt);
  }

  private static MqttSettings.Builder settings(String url) {
    return MqttSettings.builder(url).softwareVersion("0.1-test");
  }

  private static JsonNode state(Camera camera) throws IOException {
    return JSON.readTree(CameraServerTest.get(CameraServerTest.port(camera), "/state").body())
        .get("mqtt");
  }

  private static void await(String what, Await.Condition condition) throws Exception {
    Await.until(Duration.ofSeconds(45), condition, () -> what);
  }

  @Test
  @SuppressWarnings("try") // closes the camera and the connection early, to watch what they send
  void homeAssistantSeesTheDeviceTheMotionTheEventAndTheSnapshotAndTheCameraOutlivesTheBroker()
      throws Exception {
    try (Mosquitto broker = Mosquitto.anonymous(dir);
        MqttConnection mqtt = MqttConnection.start(settings(broker.url()).build());
        Camera camera = camera(mqtt).start()) {
      // Subscribe once the announcement is out: a subscriber that is there before a message is
      // published gets it live, without the retain flag this test checks (MQTT 3.1.1, 3.3.1.3).
      await(
          "the camera's announcement: status, discovery configs and motion state",
          () -> {
            JsonNode mqttState = state(camera);
            return mqttState.get("connected").asBoolean()
                && mqttState.get("published").asLong() >= 4
                && mqttState.get("queued").asLong() == 0;
          });
      MqttSubscriber.Received sensor;
      try (MqttSubscriber ha = new MqttSubscriber(broker.port(), null, null)) {
        sensor =
            ha.await("homeassistant/binary_sensor/socketkit_front_door/motion/config", r -> true);
        assertThat(sensor.retained()).isTrue();
        JsonNode config = JSON.readTree(sensor.text());
        assertThat(config.get("device_class").asText()).isEqualTo("motion");
        assertThat(config.get("state_topic").asText()).isEqualTo("socketkit/front_door/motion");
        assertThat(config.get("payload_on").asText()).isEqualTo("ON");
        assertThat(config.get("payload_off").asText()).isEqualTo("OFF");
        assertThat(config.get("availability_topic").asText()).isEqualTo("socketkit/status");
        assertThat(config.get("unique_id").asText()).isEqualTo("socketkit_front_door_motion");
        JsonNode device = config.get("device");
        assertThat(device.get("identifiers").get(0).asText()).isEqualTo("socketkit_front_door");
        assertThat(device.get("name").asText()).isEqualTo("Front Door");
        assertThat(device.get("model").asText()).isEqualTo("socketkit");
        assertThat(device.get("sw_version").asText()).isEqualTo("0.1-test");

        JsonNode image =
            JSON.readTree(
                ha.await("homeassistant/camera/socketkit_front_door/snapshot/config", r -> true)
                    .text());
        assertThat(image.get("topic").asText()).isEqualTo("socketkit/front_door/snapshot");
        assertThat(image.get("unique_id").asText()).isEqualTo("socketkit_front_door_snapshot");
        assertThat(image.get("device")).isEqualTo(device);

        assertThat(ha.await("socketkit/status", "online").retained()).isTrue();
        ha.await("socketkit/front_door/motion", "ON");
        JsonNode event = JSON.readTree(ha.await("socketkit/front_door/events", r -> true).text());
        assertThat(event.get("camera").asText()).isEqualTo("Front Door");
        assertThat(event.get("type").asText()).isEqualTo("start");
        String id = event.get("id").asText();
        assertThat(event.get("time").asText()).isEqualTo(event.get("start").asText());
        assertThat(event.get("score").asDouble()).isPositive();
        assertThat(event.get("snapshot").asText()).isEqualTo("/events/" + id + "/snapshot.jpg");
        assertThat(
                CameraServerTest.get(CameraServerTest.port(camera), event.get("snapshot").asText())
                    .code())
            .isEqualTo(200);
        assertThat(ha.await("socketkit/front_door/snapshot", r -> true).isJpeg()).isTrue();
      }
      await(
          "/state counts the messages published",
          () -> state(camera).get("published").asLong() >= 6);
      assertThat(state(camera).get("connected").asBoolean()).isTrue();
      assertThat(state(camera).get("broker").asText()).isEqualTo(broker.url());

      broker.stop();
      await("/state says the broker is gone", () -> !state(camera).get("connected").asBoolean());
      try (MjpegClient viewer =
          MjpegClient.open("127.0.0.1", CameraServerTest.port(camera), "/stream.mjpg")) {
        for (int i = 0; i < 60; i++) { // 3 s of frames at 20 fps, while the MQTT thread retries
          assertThat(viewer.next().jpeg()).isNotEmpty();
        }
      }
      JsonNode whileDown =
          JSON.readTree(CameraServerTest.get(CameraServerTest.port(camera), "/state").body());
      assertThat(whileDown.get("fpsCaptured").asDouble()).isGreaterThan(10);
      assertThat(whileDown.get("mqtt").get("lastError").isNull()).isFalse();

      broker.start(); // on the same port, without the retained messages
      try (MqttSubscriber ha = new MqttSubscriber(broker.port(), null, null)) {
        ha.await("socketkit/status", "online");
        ha.await("homeassistant/binary_sensor/socketkit_front_door/motion/config", r -> true);
        ha.await("socketkit/front_door/motion", "ON"); // the event still going on
        await("/state says connected again", () -> state(camera).get("connected").asBoolean());

        camera.close();
        ha.await("socketkit/front_door/motion", "OFF"); // the event ended with the camera
        mqtt.close();
        ha.await("socketkit/status", "offline");
      }
      // Live subscribers get no retain flag (MQTT 3.1.1, 3.3.1.3): a late one shows it was kept.
      try (MqttSubscriber late = new MqttSubscriber(broker.port(), null, null)) {
        assertThat(late.await("socketkit/status", r -> true).text()).isEqualTo("offline");
        assertThat(late.await("socketkit/status", r -> true).retained()).isTrue();
      }
    }
  }

  @Test
  void logsInWithTheUserAndPasswordAndIsRefusedWithAWrongOne() throws Exception {
    try (Mosquitto broker = Mosquitto.withPassword(dir, "camera", "s3cret pass")) {
      try (MqttConnection wrong =
              MqttConnection.start(
                  settings(broker.url()).user("camera").password("wrong".toCharArray()).build());
          MqttSubscriber ha =
              new MqttSubscriber(broker.port(), "camera", "s3cret pass".toCharArray())) {
        await("a refusal", () -> wrong.state().get("lastError") != null);
        assertThat(wrong.connected()).isFalse();
        assertThat(ha.find("socketkit/status", r -> true)).isEmpty();
      }
      try (MqttConnection mqtt =
              MqttConnection.start(
                  settings(broker.url())
                      .user("camera")
                      .password("s3cret pass".toCharArray())
                      .topicPrefix("home/cams")
                      .build());
          Camera camera = camera(mqtt).start();
          MqttSubscriber ha =
              new MqttSubscriber(broker.port(), "camera", "s3cret pass".toCharArray())) {
        ha.await("home/cams/status", "online");
        ha.await("home/cams/front_door/motion", "ON");
        JsonNode config =
            JSON.readTree(
                ha.await(
                        "homeassistant/binary_sensor/home_cams_front_door/motion/config", r -> true)
                    .text());
        assertThat(config.get("availability_topic").asText()).isEqualTo("home/cams/status");
        assertThat(mqtt.settings().toString()).doesNotContain("s3cret");
        assertThat(CameraServerTest.get(CameraServerTest.port(camera), "/state").text())
            .doesNotContain("s3cret");
      }
    }
  }

  @Test
  void theBrokerPublishesTheLastWillWhenTheConnectionDiesUncleanly() throws Exception {
    try (Mosquitto broker = Mosquitto.anonymous(dir);
        CuttableProxy proxy = new CuttableProxy(broker.port());
        MqttConnection mqtt =
            MqttConnection.start(settings("mqtt://127.0.0.1:" + proxy.port()).build());
        MqttSubscriber ha = new MqttSubscriber(broker.port(), null, null)) {
      ha.await("socketkit/status", "online");
      ha.clear();
      proxy.cut(); // the camera's connection dies without a DISCONNECT: the broker sends the will
      ha.await("socketkit/status", "offline");
      await("the camera knows", () -> !mqtt.connected());
      try (MqttSubscriber late = new MqttSubscriber(broker.port(), null, null)) {
        assertThat(late.await("socketkit/status", r -> true).retained()).isTrue();
      }
    }
  }

  @Test
  void twoCamerasShareOneConnectionUnderTheirOwnNamesButNotTheSameOne() throws Exception {
    try (Mosquitto broker = Mosquitto.anonymous(dir);
        MqttConnection mqtt = MqttConnection.start(settings(broker.url()).build());
        Camera front = camera(mqtt).start();
        Camera yard = camera(mqtt).name("Yard").start();
        MqttSubscriber ha = new MqttSubscriber(broker.port(), null, null)) {
      ha.await("socketkit/front_door/motion", "ON");
      ha.await("socketkit/yard/motion", "ON");
      ha.await("homeassistant/camera/socketkit_yard/snapshot/config", r -> true);
      assertThat(mqtt.state().get("cameras"))
          .isEqualTo(List.of("socketkit/front_door", "socketkit/yard"));
      assertThatThrownBy(() -> camera(mqtt).name("front door").start())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("front_door");
      assertThat(front.name()).isNotEqualTo(yard.name());
    }
  }

  /**
   * A TCP proxy for one connection to the broker that {@link #cut()} resets on both sides, as a
   * crashed process or a pulled cable would; later connections are refused.
   */
  private static final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    CuttableProxy(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::accept, "proxy accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      try {
        while (true) {
          Socket client = server.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream);
          pump(upstream, client);
        }
      } catch (IOException e) {
        // the proxy was closed or cut
      }
    }

    private static void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  in.transferTo(out);
                } catch (IOException e) {
                  // cut
                }
              },
              "proxy pump");
      t.setDaemon(true);
      t.start();
    }

    void cut() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        if (!socket.isClosed()) {
          socket.setSoLinger(true, 0); // a reset, not a FIN after the data
          socket.close();
        }
      }
    }

    @Override
    public void close() throws IOException {
      cut();
    }
  }
}
