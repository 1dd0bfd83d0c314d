package dev.socketkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UnixStreamServerTest {
  @TempDir Path dir;

  @Test
  void closeDeletesTheSocketFileSoThePathCanBeBoundAgain() throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
    for (int round = 0; round < 2; round++) {
      try (UnixStreamServer server = new UnixStreamServer(address, EchoHandlers.StreamEcho::new);
          Serving serving = Serving.start(server)) {
        assertThat(Files.exists(address.getPath())).isTrue();
        assertThat(Clients.streamEcho(serving.address(), "u")).isEqualTo("u|again u");
      }
      assertThat(Files.exists(address.getPath())).isFalse();
    }
  }

  @Test
  void anExistingFileAtThePathIsLeftAloneAndBindingFails() throws Exception {
    Path path = Files.writeString(dir.resolve("taken"), "not a socket");
    assertThatThrownBy(
            () ->
                new UnixStreamServer(
                    UnixDomainSocketAddress.of(path), EchoHandlers.StreamEcho::new))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(path)).isEqualTo("not a socket");
  }

  @Test
  void serverAddressIsTheSocketPath() throws Exception {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("a.sock"));
    try (UnixStreamServer server = new UnixStreamServer(address, EchoHandlers.StreamEcho::new)) {
      assertThat(server.serverAddress()).isEqualTo(address);
    }
  }
}
