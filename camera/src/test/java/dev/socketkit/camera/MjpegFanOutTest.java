package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MisbehavingPeer;
import dev.socketkit.testkit.MjpegClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fan-out alone, behind a bare accept loop that writes the response head itself. */
@Timeout(60)
class MjpegFanOutTest {
  private static final byte[] HEAD =
      "HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=FRAME\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  /** Publishes big frames at ~30 fps while someone wants them; big so a stalled socket fills. */
  private static Thread publisher(FrameHub hub, AtomicBoolean running, int size) {
    Thread thread =
        new Thread(
            () -> {
              byte[] jpeg = new byte[size];
              jpeg[0] = (byte) 0xFF;
              jpeg[1] = (byte) 0xD8;
              jpeg[size - 2] = (byte) 0xFF;
              jpeg[size - 1] = (byte) 0xD9;
              while (running.get()) {
                hub.publish(jpeg, 1, 1, FrameHub.nowMicros());
                try {
                  TimeUnit.MILLISECONDS.sleep(33);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Test
  void aStalledViewerIsCutOffAtTheDeadlineWhileLiveViewersKeepReceiving() throws Exception {
    FrameHub hub = new FrameHub();
    AtomicBoolean running = new AtomicBoolean(true);
    List<MjpegFanOut.Viewer> attached = new CopyOnWriteArrayList<>();
    try (MjpegFanOut fanOut = new MjpegFanOut(hub, Duration.ofSeconds(1));
        ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    SocketChannel channel = server.accept();
                    channel.socket().setSendBufferSize(16 * 1024);
                    channel.write(ByteBuffer.wrap(HEAD));
                    attached.add(fanOut.attach(channel, channel.getRemoteAddress(), 0));
                  }
                } catch (IOException e) {
                  // the server socket closed: the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      publisher(hub, running, 300_000);

      MisbehavingPeer stalled = MisbehavingPeer.neverReading(port);
      List<MjpegClient> live = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        MjpegClient reader = new MjpegClient(socket);
        reader.readHead();
        live.add(reader);
      }
      AtomicLong liveFrames = new AtomicLong();
      for (MjpegClient reader : live) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      reader.next();
                      liveFrames.incrementAndGet();
                    }
                  } catch (IOException e) {
                    // closed at the end of the test
                  }
                });
        thread.setDaemon(true);
        thread.start();
      }
      // The stalled viewer (the first attached) ends for the deadline; the others go on.
      MjpegFanOut.Viewer stalledViewer =
          Await.value(
              Duration.ofSeconds(20),
              () -> attached.stream().filter(v -> v.endReason() != null).findFirst().orElse(null),
              () -> "a viewer was cut off");
      assertThat(stalledViewer.endReason()).contains("accepted nothing for 1000 ms");
      long before = liveFrames.get();
      Await.until(
          Duration.ofSeconds(10),
          () -> liveFrames.get() >= before + 30,
          () -> "live viewers keep receiving: " + (liveFrames.get() - before) + " of 30 frames");
      assertThat(fanOut.viewerCount()).isEqualTo(3);
      assertThat(attached).filteredOn(v -> v.endReason() == null).hasSize(3);
      stalled.close();
      for (MjpegClient reader : live) {
        reader.close();
      }
      running.set(false);
    }
  }

  @Test
  void aViewerThatClosesIsRemovedAndTheHubLosesItsDemand() throws Exception {
    FrameHub hub = new FrameHub();
    AtomicBoolean running = new AtomicBoolean(true);
    try (MjpegFanOut fanOut = new MjpegFanOut(hub, Duration.ofSeconds(5));
        ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      publisher(hub, running, 1000);
      Socket client = new Socket(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
      client.setSoTimeout(10_000);
      SocketChannel channel = server.accept();
      channel.write(ByteBuffer.wrap(HEAD));
      MjpegFanOut.Viewer viewer = fanOut.attach(channel, channel.getRemoteAddress(), 0);
      assertThat(hub.hasDemand()).isTrue();
      MjpegClient reader = new MjpegClient(client);
      reader.readHead();
      MjpegClient.Part part = reader.next();
      assertThat(part.headers().get("Content-Type")).isEqualTo("image/jpeg");
      assertThat(part.headers().get("X-Timestamp")).matches("\\d{10}\\.\\d{6}");
      assertThat(part.jpeg()).hasSize(1000);
      client.close();
      assertThat(viewer.awaitEnd(Duration.ofSeconds(10))).isTrue();
      assertThat(fanOut.viewerCount()).isZero();
      assertThat(hub.hasDemand()).isFalse();
      assertThat(channel.isOpen()).as("the fan-out closes the channel").isFalse();
      running.set(false);
    }
  }
}
