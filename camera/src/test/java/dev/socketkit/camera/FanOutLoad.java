package dev.socketkit.camera;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A quick local load: many MJPEG viewers on one NIO thread, each parsing its stream strictly
 * (boundary, part headers, Content-Length body, CRLF), counting frames and measuring frame age
 * (arrival of a part's last byte minus its X-Timestamp).
 *
 * <p>Run: {@code java -cp ... dev.socketkit.camera.FanOutLoad PORT VIEWERS SECONDS}. Not a unit
 * test: its numbers depend on the machine.
 */
final class FanOutLoad {
  private FanOutLoad() {}

  /** One viewer's parser state. */
  static final class Client {
    final SocketChannel channel;
    final StringBuilder line = new StringBuilder();
    boolean inHead = true; // the HTTP response head first
    boolean inPartHeaders;
    long bodyLeft = -1;
    long contentLength = -1;
    long timestampMicros;
    int crlfLeft;
    long frames;

    Client(SocketChannel channel) {
      this.channel = channel;
    }
  }

  static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int viewers = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    Selector selector = Selector.open();
    List<Client> clients = new ArrayList<>();
    byte[] request =
        "GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    long[] ages = new long[1 << 20];
    int ageCount = 0;
    long warmup = System.nanoTime() + 2_000_000_000L;
    long start = 0;
    long end = Long.MAX_VALUE;
    long framesAtStart = 0;
    boolean measuring = false;
    int dropped = 0;
    while (System.nanoTime() < end) {
      // Connect in batches while reading the viewers already connected, so none of them stalls.
      for (int i = 0; i < 50 && clients.size() < viewers; i++) {
        SocketChannel channel =
            SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.write(ByteBuffer.wrap(request));
        channel.configureBlocking(false);
        Client client = new Client(channel);
        channel.register(selector, SelectionKey.OP_READ, client);
        clients.add(client);
      }
      if (clients.size() < viewers) {
        warmup = System.nanoTime() + 2_000_000_000L;
      }
      if (clients.size() < viewers) {
        selector.selectNow();
      } else {
        selector.select(100);
      }
      if (!measuring && System.nanoTime() > warmup) {
        measuring = true;
        start = System.nanoTime();
        end = start + seconds * 1_000_000_000L;
        framesAtStart = clients.stream().mapToLong(c -> c.frames).sum();
      }
      for (SelectionKey key : selector.selectedKeys()) {
        Client client = (Client) key.attachment();
        buffer.clear();
        int n = client.channel.read(buffer);
        if (n < 0) {
          key.cancel();
          dropped++;
          continue;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
          if (client.bodyLeft > 0) {
            int skip = (int) Math.min(client.bodyLeft, buffer.remaining());
            buffer.position(buffer.position() + skip);
            client.bodyLeft -= skip;
            if (client.bodyLeft == 0) {
              client.crlfLeft = 2;
            }
            continue;
          }
          if (client.crlfLeft > 0) {
            buffer.get();
            if (--client.crlfLeft == 0) {
              client.frames++;
              client.bodyLeft = -1;
              if (measuring && ageCount < ages.length) {
                ages[ageCount++] = nowMicros() - client.timestampMicros;
              }
            }
            continue;
          }
          char c = (char) (buffer.get() & 0xFF);
          if (c != '\n') {
            if (c != '\r') {
              client.line.append(c);
            }
            continue;
          }
          String text = client.line.toString();
          client.line.setLength(0);
          if (client.inHead) {
            client.inHead = !text.isEmpty();
          } else if (text.equals("--FRAME")) {
            client.inPartHeaders = true;
          } else if (client.inPartHeaders && text.isEmpty()) {
            client.inPartHeaders = false;
            client.bodyLeft = client.contentLength;
          } else if (text.startsWith("Content-Length: ")) {
            client.contentLength = Long.parseLong(text.substring(16));
          } else if (text.startsWith("X-Timestamp: ")) {
            client.timestampMicros = Long.parseLong(text.substring(13).replace(".", ""));
          }
        }
      }
      selector.selectedKeys().clear();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long frames = clients.stream().mapToLong(c -> c.frames).sum() - framesAtStart;
    long[] sorted = Arrays.copyOf(ages, ageCount);
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "viewers=%d disconnected=%d fps_per_viewer=%.1f frames=%d age_ms p50=%.2f p99=%.2f max=%.2f%n",
        viewers,
        dropped,
        frames / elapsed / viewers,
        frames,
        sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1000.0,
        sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.99)] / 1000.0,
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    for (Client client : clients) {
      client.channel.close();
    }
  }
}
