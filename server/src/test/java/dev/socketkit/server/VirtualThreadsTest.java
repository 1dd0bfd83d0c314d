package dev.socketkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.socketkit.server.internal.VirtualThreads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one place that detects virtual threads, on both JDKs the project supports. */
@Timeout(30)
class VirtualThreadsTest {
  private static final boolean JDK_HAS_THEM = Runtime.version().feature() >= 21;

  @Test
  void areAvailableExactlyFromJdk21() {
    assertThat(VirtualThreads.available()).isEqualTo(JDK_HAS_THEM);
    assertThat(Threading.virtualThreadsAvailable()).isEqualTo(JDK_HAS_THEM);
  }

  @Test
  void threadPerRequestPicksVirtualThreadsWhereAvailable() {
    assertThat(Threading.threadPerRequest().isVirtual()).isEqualTo(JDK_HAS_THEM);
    assertThat(Threading.threadPerRequest())
        .isEqualTo(JDK_HAS_THEM ? Threading.virtualThreads() : Threading.platformThreads());
  }

  @Test
  void askingForVirtualThreadsOnJdk17IsAClearError() {
    assumeThat(JDK_HAS_THEM).as("this JDK has virtual threads").isFalse();
    assertThatThrownBy(Threading::virtualThreads)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("JDK 21");
  }

  @Test
  void madeThreadsAreVirtual() throws Exception {
    assumeThat(JDK_HAS_THEM).as("this JDK has virtual threads").isTrue();
    AtomicBoolean virtual = new AtomicBoolean();
    Thread thread =
        VirtualThreads.newThread(
            () -> virtual.set(VirtualThreads.isVirtual(Thread.currentThread())), "v");
    thread.start();
    thread.join(10_000);
    assertThat(virtual).isTrue();
    assertThat(thread.getName()).isEqualTo("v");
  }

  @Test
  void aThreadingTcpServerRunsHandlersOnVirtualThreadsWhereAvailable() throws Exception {
    AtomicBoolean virtual = new AtomicBoolean();
    CountDownLatch ran = new CountDownLatch(1);
    try (var server =
            new ThreadingTcpServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () ->
                    new BaseRequestHandler<SocketChannel>() {
                      @Override
                      protected void handle() {
                        virtual.set(VirtualThreads.isVirtual(Thread.currentThread()));
                        ran.countDown();
                      }
                    });
        Serving serving = Serving.start(server);
        SocketChannel client = Clients.connect(serving.address())) {
      assertThat(ran.await(10, TimeUnit.SECONDS)).as(client + " handled").isTrue();
      assertThat(virtual.get()).isEqualTo(JDK_HAS_THEM);
      assertThat(VirtualThreads.isVirtual(Thread.currentThread())).isFalse();
    }
  }
}
