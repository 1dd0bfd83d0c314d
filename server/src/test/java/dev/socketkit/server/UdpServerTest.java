package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpServerTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @Test
  void serverAddressIsTheRealPortAfterBindingPortZero() throws Exception {
    try (UdpServer server = new UdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new)) {
      InetSocketAddress address = (InetSocketAddress) server.serverAddress();
      assertThat(address.getPort()).isPositive();
      assertThat(server.socket().getLocalAddress()).isEqualTo(address);
    }
  }

  @Test
  void closeReleasesThePortEvenAfterServing() throws Exception {
    SocketAddress address;
    try (UdpServer server = new UdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new);
        Serving serving = Serving.start(server)) {
      address = serving.address();
      assertThat(Clients.datagramEcho(address, "x")).isEqualTo("x");
    }
    try (DatagramChannel again = DatagramChannel.open()) {
      again.bind(address);
      assertThat(again.getLocalAddress()).isEqualTo(address);
    }
  }

  @Test
  void aDatagramLargerThanMaxPacketSizeIsReportedWithItsSizeAndNotHandled() throws Exception {
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<DatagramRequest> refused = new ConcurrentLinkedQueue<>();
    AtomicInteger handled = new AtomicInteger();
    try (UdpServer server =
            new UdpServer(
                ANY_PORT,
                () -> {
                  handled.incrementAndGet();
                  return new EchoHandlers.DatagramEcho();
                }) {
              @Override
              protected void handleError(DatagramRequest r, SocketAddress c, Throwable e) {
                refused.add(r);
                errors.add(e);
              }
            };
        Serving serving = Serving.start(server)) {
      server.setMaxPacketSize(100);
      byte[] big = new byte[150];
      Arrays.fill(big, (byte) 'b');
      try (DatagramChannel client = DatagramChannel.open()) {
        client.connect(serving.address());
        client.write(ByteBuffer.wrap(big));
      }
      LifecycleTest.await(() -> !errors.isEmpty(), "the big datagram was reported");
      assertThat(errors)
          .singleElement()
          .isInstanceOfSatisfying(
              DatagramTooLargeException.class,
              e -> {
                assertThat(e.size()).isEqualTo(150);
                assertThat(e.maxPacketSize()).isEqualTo(100);
                assertThat(e.sizeIsLowerBound()).isFalse();
                assertThat(e).hasMessageContaining("150").hasMessageContaining("100");
              });
      assertThat(refused).singleElement().satisfies(r -> assertThat(r.data()).hasSize(150));
      // A datagram of exactly maxPacketSize is still served whole.
      String exact = "e".repeat(100);
      assertThat(Clients.datagramEcho(serving.address(), exact)).isEqualTo(exact);
      assertThat(handled).hasValue(1);
    }
  }

  @Test
  void handleErrorSeesHandlerExceptionsAndTheServerKeepsServing() throws Exception {
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    try (UdpServer server =
            new UdpServer(
                ANY_PORT,
                () ->
                    new DatagramRequestHandler() {
                      @Override
                      protected void handle() throws IOException {
                        byte[] data = rfile.readAllBytes();
                        if (new String(data, US_ASCII).equals("boom")) {
                          throw new IllegalStateException("boom");
                        }
                        wfile.write(data);
                      }
                    }) {
              @Override
              protected void handleError(DatagramRequest r, SocketAddress c, Throwable e) {
                errors.add(e);
              }
            };
        Serving serving = Serving.start(server)) {
      try (DatagramChannel client = DatagramChannel.open()) {
        client.connect(serving.address());
        client.write(ByteBuffer.wrap("boom".getBytes(US_ASCII)));
      }
      LifecycleTest.await(() -> !errors.isEmpty(), "the failure was reported");
      assertThat(Clients.datagramEcho(serving.address(), "fine")).isEqualTo("fine");
    }
  }

  @Test
  void bindingAnAddressInUseFailsAndLeavesNoDescriptorOpen() throws Exception {
    assumeThat(new java.io.File("/proc/self/fd")).isDirectory();
    try (UdpServer first = new UdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new)) {
      int before = TcpServerTest.openDescriptors();
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(
                () -> new UdpServer(first.serverAddress(), EchoHandlers.DatagramEcho::new))
            .isInstanceOf(IOException.class);
      }
      assertThat(TcpServerTest.openDescriptors()).isEqualTo(before);
    }
  }

  @Test
  void theRequestHoldsTheDataAndTheServersSocket() throws Exception {
    ConcurrentLinkedQueue<DatagramRequest> seen = new ConcurrentLinkedQueue<>();
    try (UdpServer server =
            new UdpServer(
                ANY_PORT,
                () ->
                    new BaseRequestHandler<DatagramRequest>() {
                      @Override
                      protected void handle() throws IOException {
                        seen.add(request());
                        request().sendTo(request().data(), clientAddress());
                      }
                    });
        Serving serving = Serving.start(server)) {
      assertThat(Clients.datagramEcho(serving.address(), "pair")).isEqualTo("pair");
      assertThat(seen)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(new String(r.data(), US_ASCII)).isEqualTo("pair");
                assertThat(r.socket()).isSameAs(server.socket());
              });
    }
  }
}
