package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.testkit.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fan-out's loop when something goes badly wrong, over real loopback sockets. */
@Timeout(60)
class MjpegFanOutFailureTest {
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};

  private static void await(String what, BooleanSupplier condition) throws Exception {
    Await.until(Duration.ofSeconds(10), condition::getAsBoolean, () -> what);
  }

  /** Connects a client and attaches the server side of it; the client is returned to be closed. */
  private static Socket connect(ServerSocketChannel server) throws Exception {
    Socket client = new Socket();
    client.connect(server.getLocalAddress());
    return client;
  }

  @Test
  void anErrorInTheLoopEndsItsViewersAndLaterViewersAreStillServed() throws Exception {
    FrameHub hub = new FrameHub();
    try (MjpegFanOut fanOut = new MjpegFanOut(hub, Duration.ofSeconds(5));
        ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (Socket first = connect(server)) {
        first.setSoTimeout(10_000);
        SocketChannel channel = server.accept();
        MjpegFanOut.Viewer viewer = fanOut.attach(channel, channel.getRemoteAddress(), 0);
        hub.publish(JPEG, 1, 1, FrameHub.nowMicros());
        await("the first frame is sent", () -> viewer.framesSent() > 0);
        fanOut.runOnLoop(
            () -> {
              throw new StackOverflowError("injected");
            });
        assertThat(viewer.awaitEnd(Duration.ofSeconds(10))).as("the viewer ends").isTrue();
        assertThat(viewer.endReason()).contains("injected");
        assertThat(first.getInputStream().readAllBytes()).as("sent, then closed").isNotEmpty();
      }
      try (Socket second = connect(server)) {
        second.setSoTimeout(10_000);
        SocketChannel channel = server.accept();
        MjpegFanOut.Viewer viewer = fanOut.attach(channel, channel.getRemoteAddress(), 0);
        await(
            "a frame reaches a viewer attached after the failure",
            () -> {
              hub.publish(JPEG, 1, 1, FrameHub.nowMicros());
              return viewer.framesSent() > 0;
            });
      }
    }
  }

  @Test
  void aViewerAttachedAfterCloseEndsAtOnce() throws Exception {
    FrameHub hub = new FrameHub();
    MjpegFanOut fanOut = new MjpegFanOut(hub, Duration.ofSeconds(5));
    fanOut.close();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (Socket client = connect(server)) {
        SocketChannel channel = server.accept();
        MjpegFanOut.Viewer viewer = fanOut.attach(channel, channel.getRemoteAddress(), 0);
        assertThat(viewer.awaitEnd(Duration.ofSeconds(10))).as("the viewer ends").isTrue();
        assertThat(viewer.endReason()).contains("closing");
        client.setSoTimeout(10_000);
        assertThat(client.getInputStream().read()).as("its connection is closed").isEqualTo(-1);
      }
    }
  }
}
