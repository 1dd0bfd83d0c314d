package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.select.EventLoopThread;
import dev.socketkit.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out's flush: fragments that wait in the loop's queue reach a viewer together, whole and
 * in order, after the ones already written; none is lost or counted twice.
 */
@Timeout(30)
class Mp4FanOutFlushTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int FRAME = 3000; // 1/30 s at 90 kHz

  private static byte[] fill(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  /** Reads exactly {@code length} bytes, or fails at the socket's read timeout. */
  private static byte[] read(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    assertThat(bytes).as("bytes before the end of the stream").hasSize(length);
    return bytes;
  }

  @Test
  void fragmentsThatWaitedForTheLoopArriveWholeAndInOrder() throws Exception {
    FragmentHub hub = new FragmentHub();
    byte[] init = fill(100, 'i');
    hub.publishInit(init, "avc1.42c01e");
    EventLoopThread loop = EventLoopThread.open();
    loop.start("test-fanout", true);
    Mp4FanOut fanOut = new Mp4FanOut(hub, loop, Duration.ofSeconds(5));
    try (ServerSocketChannel listener =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket client = new Socket()) {
      client.connect(listener.getLocalAddress());
      client.setSoTimeout((int) WAIT.toMillis());
      SocketChannel served = listener.accept();
      Mp4FanOut.Viewer viewer = fanOut.attach(served, served, served.getRemoteAddress());
      InputStream in = client.getInputStream();

      byte[] key = fill(3000, 'k');
      hub.publish(key, true, 0, FRAME, 0);
      // The viewer starts on the init segment and the keyframe (a new viewer waits for one).
      assertThat(read(in, init.length)).isEqualTo(init);
      assertThat(read(in, key.length)).isEqualTo(key);

      // Hold the loop while three fragments are handed to it: they wait in its queue, then the
      // flush after them writes all three.
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      loop.execute(
          () -> {
            held.countDown();
            try {
              release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      byte[][] waiting = {fill(2000, 'a'), fill(2500, 'b'), fill(1500, 'c')};
      for (int i = 0; i < waiting.length; i++) {
        hub.publish(waiting[i], false, (i + 1L) * FRAME, FRAME, 0);
      }
      release.countDown();

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (byte[] fragment : waiting) {
        expected.write(fragment);
      }
      assertThat(read(in, expected.size())).isEqualTo(expected.toByteArray());
      Await.until(
          WAIT,
          () -> viewer.fragmentsSent() == 4,
          () -> "4 fragments counted; " + viewer.fragmentsSent() + " now");
      assertThat(viewer.skips()).isZero();
      assertThat(viewer.bytesSent()).isEqualTo(init.length + key.length + expected.size());
    } finally {
      fanOut.close();
      loop.close();
    }
  }
}
