package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking test clients over real sockets; every wait has a deadline. */
final class Clients {
  private Clients() {}

  /** Connects a stream client to a TCP or Unix-domain address. */
  static SocketChannel connect(SocketAddress address) throws IOException {
    SocketChannel channel =
        address instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
    channel.connect(address);
    return channel;
  }

  /**
   * Sends two lines, reads both echoes, half-closes and expects the server to close; returns the
   * echoes joined by {@code |}. Runs in a helper thread so that a silent server fails the test.
   */
  static String streamEcho(SocketAddress address, String text) throws Exception {
    return withDeadline(
        () -> {
          try (SocketChannel channel = connect(address)) {
            InputStream in = Channels.newInputStream(channel);
            write(channel, text + "\n");
            String first = readLine(in);
            write(channel, "again " + text + "\n");
            String second = readLine(in);
            channel.shutdownOutput();
            assertThat(in.read()).as("the server closes after the client's end").isEqualTo(-1);
            return first + "|" + second;
          }
        });
  }

  /** Sends one datagram and returns the one answer. */
  static String datagramEcho(SocketAddress address, String text) throws Exception {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.connect(address);
      channel.write(ByteBuffer.wrap(text.getBytes(US_ASCII)));
      channel.socket().setSoTimeout(10_000);
      byte[] answer = new byte[65_536];
      java.net.DatagramPacket packet = new java.net.DatagramPacket(answer, answer.length);
      try {
        channel.socket().receive(packet);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer from " + address + " within 10 s", e);
      }
      return new String(answer, 0, packet.getLength(), US_ASCII);
    }
  }

  static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(US_ASCII));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  interface Body<T> {
    T run() throws Exception;
  }

  static <T> T withDeadline(Body<T> body) throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<T> result = executor.submit(body::run);
      try {
        return result.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        result.cancel(true);
        throw new AssertionError("the client got no answer within 10 s", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
