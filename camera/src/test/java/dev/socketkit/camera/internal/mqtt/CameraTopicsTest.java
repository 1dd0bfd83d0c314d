package dev.socketkit.camera.internal.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CameraTopicsTest {
  @Test
  void slugsAreLowerCaseLettersDigitsUnderscoresAndDashes() {
    assertThat(CameraTopics.slug("Front Door")).isEqualTo("front_door");
    assertThat(CameraTopics.slug("Café  #2 / Hof-Süd")).isEqualTo("cafe_2_hof-sud");
    assertThat(CameraTopics.slug("socketkit camera")).isEqualTo("socketkit_camera");
    assertThat(CameraTopics.slug("+#/")).isEqualTo("camera");
    assertThat(CameraTopics.slug("")).isEqualTo("camera");
  }
}
