package dev.socketkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPython's test_socketserver echo tests: every server class with every handler kind, several
 * clients, then shutdown.
 */
@Timeout(60)
class ServerCombinationsTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  @TempDir Path dir;

  interface ServerMaker {
    BaseServer<?> make(Path dir) throws Exception;
  }

  static Stream<Arguments> streamServers() {
    List<Arguments> all = new ArrayList<>();
    all.add(
        Arguments.of(
            "TcpServer + StreamRequestHandler",
            (ServerMaker) d -> new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)));
    all.add(
        Arguments.of(
            "TcpServer + BaseRequestHandler",
            (ServerMaker) d -> new TcpServer(ANY_PORT, EchoHandlers.ChannelEcho::new)));
    all.add(
        Arguments.of(
            "ThreadingTcpServer on platform threads",
            (ServerMaker)
                d ->
                    threading(
                        new ThreadingTcpServer(ANY_PORT, EchoHandlers.StreamEcho::new),
                        Threading.platformThreads())));
    all.add(
        Arguments.of(
            "ThreadingTcpServer on a pool",
            (ServerMaker)
                d ->
                    threading(
                        new ThreadingTcpServer(ANY_PORT, EchoHandlers.ChannelEcho::new),
                        Threading.pool(3))));
    if (Threading.virtualThreadsAvailable()) {
      all.add(
          Arguments.of(
              "ThreadingTcpServer on virtual threads",
              (ServerMaker)
                  d ->
                      threading(
                          new ThreadingTcpServer(ANY_PORT, EchoHandlers.StreamEcho::new),
                          Threading.virtualThreads())));
    }
    all.add(
        Arguments.of(
            "UnixStreamServer + StreamRequestHandler",
            (ServerMaker)
                d ->
                    new UnixStreamServer(
                        UnixDomainSocketAddress.of(d.resolve("s.sock")),
                        EchoHandlers.StreamEcho::new)));
    all.add(
        Arguments.of(
            "UnixStreamServer + BaseRequestHandler",
            (ServerMaker)
                d ->
                    new UnixStreamServer(
                        UnixDomainSocketAddress.of(d.resolve("s.sock")),
                        EchoHandlers.ChannelEcho::new)));
    all.add(
        Arguments.of(
            "ThreadingUnixStreamServer",
            (ServerMaker)
                d ->
                    new ThreadingUnixStreamServer(
                        UnixDomainSocketAddress.of(d.resolve("s.sock")),
                        EchoHandlers.StreamEcho::new)));
    return all.stream();
  }

  static Stream<Arguments> datagramServers() {
    List<Arguments> all = new ArrayList<>();
    all.add(
        Arguments.of(
            "UdpServer + DatagramRequestHandler",
            (ServerMaker) d -> new UdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new)));
    all.add(
        Arguments.of(
            "UdpServer + BaseRequestHandler",
            (ServerMaker) d -> new UdpServer(ANY_PORT, EchoHandlers.RawDatagramEcho::new)));
    all.add(
        Arguments.of(
            "ThreadingUdpServer on platform threads",
            (ServerMaker)
                d ->
                    threading(
                        new ThreadingUdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new),
                        Threading.platformThreads())));
    if (Threading.virtualThreadsAvailable()) {
      all.add(
          Arguments.of(
              "ThreadingUdpServer on virtual threads",
              (ServerMaker)
                  d ->
                      threading(
                          new ThreadingUdpServer(ANY_PORT, EchoHandlers.DatagramEcho::new),
                          Threading.virtualThreads())));
    }
    return all.stream();
  }

  static Stream<Arguments> oneOfEachClass() {
    return Stream.concat(streamServers(), datagramServers())
        .filter(
            a -> {
              String name = (String) a.get()[0];
              return name.equals("TcpServer + StreamRequestHandler")
                  || name.equals("ThreadingTcpServer on platform threads")
                  || name.equals("UnixStreamServer + StreamRequestHandler")
                  || name.equals("ThreadingUnixStreamServer")
                  || name.equals("UdpServer + DatagramRequestHandler")
                  || name.equals("ThreadingUdpServer on platform threads");
            });
  }

  private static <S extends BaseServer<?>> S threading(S server, Threading threading) {
    server.setThreading(threading);
    return server;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streamServers")
  void echoesSeveralConcurrentStreamClientsThenShutsDown(String name, ServerMaker maker)
      throws Exception {
    try (BaseServer<?> server = maker.make(dir);
        Serving serving = Serving.start(server)) {
      SocketAddress address = serving.address();
      // One after the other, as a plain TcpServer serves them; then several at once.
      for (int i = 0; i < 3; i++) {
        assertThat(Clients.streamEcho(address, "one " + i))
            .isEqualTo("one " + i + "|again one " + i);
      }
      ExecutorService clients = Executors.newFixedThreadPool(5);
      try {
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String text = "client " + i;
          answers.add(clients.submit((Callable<String>) () -> Clients.streamEcho(address, text)));
        }
        for (int i = 0; i < 5; i++) {
          assertThat(answers.get(i).get(20, TimeUnit.SECONDS))
              .isEqualTo("client " + i + "|again client " + i);
        }
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("datagramServers")
  void echoesSeveralDatagramClientsThenShutsDown(String name, ServerMaker maker) throws Exception {
    try (BaseServer<?> server = maker.make(dir);
        Serving serving = Serving.start(server)) {
      for (int i = 0; i < 5; i++) {
        assertThat(Clients.datagramEcho(serving.address(), "datagram " + i))
            .isEqualTo("datagram " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneOfEachClass")
  void twentyServersStartAndShutDownAtOnceWithoutHanging(String name, ServerMaker maker)
      throws Exception {
    List<BaseServer<?>> servers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Path own = Files.createDirectory(dir.resolve("server" + i));
        BaseServer<?> server = maker.make(own);
        servers.add(server);
        Thread thread = new Thread(server::serveForever, "serve-" + i);
        threads.add(thread);
        thread.start();
      }
      // Shut down at once, each from its own thread, racing with the threads that are just
      // entering serveForever.
      List<Thread> stoppers = new ArrayList<>();
      for (BaseServer<?> server : servers) {
        Thread stopper = new Thread(server::shutdown);
        stoppers.add(stopper);
        stopper.start();
      }
      threads.addAll(stoppers);
      for (Thread thread : threads) {
        thread.join(10_000);
        assertThat(thread.isAlive()).as(thread.getName() + " returned").isFalse();
      }
    } finally {
      for (BaseServer<?> server : servers) {
        server.close();
      }
    }
  }
}
