package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostCheckTest {
  private final HostCheck check = new HostCheck("cam.local", List.of("Cam.Example.org"));

  @Test
  void acceptsLocalhostAddressesTheListenNameAndAllowedNames() {
    for (String host :
        List.of(
            "localhost",
            "LocalHost:8000",
            "localhost.",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.1.2.3:80",
            "192.168.1.20:8000",
            "[::1]",
            "[::1]:8000",
            "[::ffff:127.0.0.1]:8000",
            "cam.local:8000",
            "cam.example.org",
            "CAM.EXAMPLE.ORG.:443")) {
      assertThat(check.accepts(host)).as(host).isTrue();
    }
    assertThat(check.accepts(null)).as("no Host: no browser").isTrue();
  }

  @Test
  void refusesOtherNamesAndMalformedValues() {
    for (String host :
        List.of(
            "evil.test",
            "evil.test:8000",
            "localhost.evil.test",
            "127.0.0.1.evil.test",
            "cam.local.evil.test",
            "example.org",
            "localhost:80:80",
            "localhost:http",
            "127.0.0.1:",
            "256.0.0.1",
            "1.2.3",
            "[evil.test]:80",
            "[::1]x",
            "")) {
      assertThat(check.accepts(host)).as(host).isFalse();
    }
  }
}
