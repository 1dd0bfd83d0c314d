package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class TcpServerTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  static Stream<Threading> threadings() {
    List<Threading> all = new ArrayList<>();
    all.add(Threading.none());
    all.add(Threading.platformThreads());
    all.add(Threading.pool(2));
    if (Threading.virtualThreadsAvailable()) {
      all.add(Threading.virtualThreads());
    }
    return all.stream();
  }

  static String echo(SocketAddress address, String text) throws IOException {
    try (Socket client = new Socket()) {
      client.connect(address, 5_000);
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(client.getInputStream(), US_ASCII));
      out.write((text + "\n").getBytes(US_ASCII));
      String first = in.readLine();
      out.write(("again " + text + "\n").getBytes(US_ASCII));
      String second = in.readLine();
      client.shutdownOutput();
      assertThat(in.readLine()).as("the server closes after the client's end of stream").isNull();
      return first + "|" + second;
    }
  }

  @ParameterizedTest
  @MethodSource("threadings")
  void echoesSeveralClientsThenShutsDown(Threading threading) throws Exception {
    try (TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      server.setThreading(threading);
      try (Serving serving = Serving.start(server)) {
        for (int i = 0; i < 5; i++) {
          assertThat(echo(serving.address(), "hello " + i))
              .isEqualTo("hello " + i + "|again hello " + i);
        }
      }
    }
  }

  @Test
  void threadingServerServesANewClientWhileAnotherHoldsItsConnection() throws Exception {
    try (var server = new ThreadingTcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
        Serving serving = Serving.start(server);
        Socket idle = new Socket()) {
      idle.connect(serving.address(), 5_000);
      assertThat(echo(serving.address(), "second")).isEqualTo("second|again second");
    }
  }

  @Test
  void serverAddressIsTheRealPortAfterBindingPortZero() throws Exception {
    try (TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      InetSocketAddress address = (InetSocketAddress) server.serverAddress();
      assertThat(address.getPort()).isPositive();
      assertThat(address.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
      assertThat(server.socket().getLocalAddress()).isEqualTo(address);
    }
  }

  @Test
  void closeReleasesThePortSoItCanBeBoundAgain() throws Exception {
    SocketAddress address;
    try (TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      address = server.serverAddress();
      try (Serving serving = Serving.start(server)) {
        assertThat(echo(serving.address(), "x")).isEqualTo("x|again x");
      }
    }
    try (ServerSocketChannel again = ServerSocketChannel.open()) {
      again.bind(address);
      assertThat(again.getLocalAddress()).isEqualTo(address);
    }
  }

  @Test
  void closeWhileServingMakesServeForeverReturn() throws Exception {
    TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
    Thread thread = new Thread(server::serveForever);
    thread.start();
    server.close();
    thread.join(10_000);
    assertThat(thread.isAlive()).isFalse();
    assertThat(server.socket().isOpen()).isFalse();
  }

  @Test
  void handleErrorSeesTheHandlersExceptionAndTheServerKeepsServing() throws Exception {
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch reported = new CountDownLatch(1);
    Supplier<BaseRequestHandler<SocketChannel>> failsOnBoom =
        () ->
            new StreamRequestHandler() {
              @Override
              protected void handle() throws IOException {
                byte[] line = rfile.readLine();
                if (new String(line, US_ASCII).startsWith("boom")) {
                  throw new IllegalStateException("boom from the handler");
                }
                wfile.write(line);
                for (line = rfile.readLine(); line.length > 0; line = rfile.readLine()) {
                  wfile.write(line);
                }
              }
            };
    try (TcpServer server =
            new TcpServer(ANY_PORT, failsOnBoom) {
              @Override
              protected void handleError(
                  SocketChannel request, SocketAddress clientAddress, Throwable error) {
                errors.add(error);
                reported.countDown();
              }
            };
        Serving serving = Serving.start(server);
        Socket client = new Socket()) {
      client.connect(serving.address(), 5_000);
      client.setSoTimeout(10_000);
      client.getOutputStream().write("boom\n".getBytes(US_ASCII));
      assertThat(client.getInputStream().read()).as("the failed request is closed").isEqualTo(-1);
      assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(errors)
          .singleElement()
          .satisfies(e -> assertThat(e).hasMessage("boom from the handler"));
      assertThat(echo(serving.address(), "still here")).isEqualTo("still here|again still here");
    }
  }

  @Test
  void shutdownFromTheServingThreadIsRefusedInsteadOfDeadlocking() throws Exception {
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch reported = new CountDownLatch(1);
    try (TcpServer server =
            new TcpServer(
                ANY_PORT,
                () ->
                    new StreamRequestHandler() {
                      @Override
                      protected void handle() {
                        server().shutdown();
                      }
                    }) {
              @Override
              protected void handleError(
                  SocketChannel request, SocketAddress clientAddress, Throwable error) {
                errors.add(error);
                reported.countDown();
              }
            };
        Serving serving = Serving.start(server);
        Socket client = new Socket()) {
      client.connect(serving.address(), 5_000);
      assertThat(reported.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(errors)
          .singleElement()
          .isInstanceOf(IllegalStateException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains("serving thread"));
    }
  }

  @Test
  void bindingAnAddressInUseFailsAndLeavesNoDescriptorOpen() throws Exception {
    assumeThat(new java.io.File("/proc/self/fd")).isDirectory();
    try (TcpServer first = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      int before = openDescriptors();
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> new TcpServer(first.serverAddress(), EchoHandlers.StreamEcho::new))
            .isInstanceOf(IOException.class);
      }
      assertThat(openDescriptors()).isEqualTo(before);
    }
  }

  static int openDescriptors() {
    String[] names = new java.io.File("/proc/self/fd").list();
    return names == null ? -1 : names.length;
  }
}
