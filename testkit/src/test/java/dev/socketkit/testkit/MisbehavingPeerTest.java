package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.SocketException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class MisbehavingPeerTest {
  @Test
  void aResetIsSeenByTheServerAsAResetNotAnEndOfStream() throws Exception {
    try (OneConnectionServer server =
        new OneConnectionServer(socket -> socket.getInputStream().read())) {
      MisbehavingPeer.stalling(server.port()).reset();
      assertThatThrownBy(server::result).hasCauseInstanceOf(SocketException.class);
    }
  }

  @Test
  void aHalfCloseIsAnEndOfStreamAndTheServerCanStillAnswer() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  byte[] request = socket.getInputStream().readAllBytes();
                  socket.getOutputStream().write(request.length);
                  return new String(request, java.nio.charset.StandardCharsets.ISO_8859_1);
                });
        MisbehavingPeer peer = MisbehavingPeer.stalling(server.port())) {
      peer.send("partial").halfClose();
      assertThat(server.result()).isEqualTo("partial");
      assertThat(peer.socket().getInputStream().read()).isEqualTo(7);
    }
  }

  @Test
  void garbageIsReproducibleFromItsSeed() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(socket -> socket.getInputStream().readAllBytes());
        MisbehavingPeer peer = MisbehavingPeer.stalling(server.port())) {
      peer.sendGarbage(64, 7).halfClose();
      byte[] expected = new byte[64];
      new Random(7).nextBytes(expected);
      assertThat((byte[]) server.result()).isEqualTo(expected);
    }
  }

  @Test
  void aNeverReadingPeerBlocksTheServersWritesWhileAStalledOneHoldsTheConnection()
      throws Exception {
    byte[] chunk = new byte[4096];
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  socket.setSendBufferSize(4096);
                  OutputStream out = socket.getOutputStream();
                  for (int i = 0; i < 1024; i++) { // 4 MiB: far more than the buffers hold
                    out.write(chunk);
                  }
                  return "wrote everything";
                });
        MisbehavingPeer peer = MisbehavingPeer.neverReading(server.port())) {
      assertThatThrownBy(() -> server.result(java.time.Duration.ofMillis(500)))
          .as("the server is still blocked writing")
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      assertThat(peer.readSlowly(64 * 1024, 16 * 1024, 1)).isEqualTo(64 * 1024);
    }
  }

  @Test
  void readsSlowlyUntilTheStreamEnds() throws Exception {
    try (OneConnectionServer server =
            new OneConnectionServer(
                socket -> {
                  socket.getOutputStream().write(new byte[100]);
                  return null;
                });
        MisbehavingPeer peer = MisbehavingPeer.stalling(server.port())) {
      assertThat(peer.readSlowly(1000, 10, 1)).isEqualTo(100);
      assertThat(peer.closedByServer()).isTrue();
    }
  }
}
