package dev.socketkit.loadgen;

import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A live fragmented-MP4 server for the tests: a thread per viewer, the response head, the init
 * segment, then one fragment per picture from the camera's own {@link Fmp4Writer}, each with a
 * {@code prft} stamped {@code stampAgeMillis} before it is sent. With {@code contentType} other
 * than {@code video/mp4} it is the wrong server for the viewers.
 */
final class TestMp4Server implements AutoCloseable {
  // An H.264 High profile SPS of 330x250 and its PPS (camera's SpsTest), an IDR and a P slice.
  private static final byte[] SPS =
      HexFormat.of().parseHex("6764000dacd9415087924c0440000003004000000f03c50a6580");
  private static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");
  private static final byte[] IDR = HexFormat.of().parseHex("65888400000300aa");
  private static final byte[] P = HexFormat.of().parseHex("419a2438");

  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final int fps;
  private final long stampAgeMicros;
  private final String contentType;

  TestMp4Server(int fps, int stampAgeMillis, String contentType) throws IOException {
    this.fps = fps;
    this.stampAgeMicros = stampAgeMillis * 1000L;
    this.contentType = contentType;
    listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "test-mp4-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/stream.mp4");
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        sockets.add(socket);
        Thread worker = new Thread(() -> stream(socket), "test-mp4");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void stream(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        request.write(b);
      }
      out.write(
          ("HTTP/1.0 200 OK\r\nContent-Type: " + contentType + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      Fmp4Writer writer = new Fmp4Writer(SPS, PPS);
      out.write(writer.initSegment());
      long period = TimeUnit.SECONDS.toNanos(1) / fps;
      long next = System.nanoTime();
      for (int frame = 0; !socket.isClosed(); frame++) {
        Instant now = Instant.now();
        long stamp = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - stampAgeMicros;
        AccessUnit picture = new AccessUnit(List.of(frame % fps == 0 ? IDR : P));
        out.write(writer.fragment(List.of(new Fmp4Writer.Sample(picture, 3000)), stamp));
        out.flush();
        next += period;
        LockSupport.parkNanos(next - System.nanoTime()); // the frame clock, not synchronisation
      }
    } catch (IOException e) {
      // the viewer went away: normal at the end of a run
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
