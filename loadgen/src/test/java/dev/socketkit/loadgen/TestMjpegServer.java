package dev.socketkit.loadgen;

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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An MJPEG server for the tests in the shape of the lecture's picamera handler: a thread per
 * viewer, each part written as {@code --FRAME}, headers, the JPEG, CRLF; X-Timestamp in seconds
 * with six decimals. It can corrupt the boundary of the tenth part on purpose, send every frame
 * more than once (the copies repeat its X-Timestamp), and stamp frames as older than they are.
 */
final class TestMjpegServer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final int fps;
  private final boolean corruptTenthBoundary;
  private final int answerDelayMillis;
  private final int copies;
  private final long stampAgeMicros;
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger mostUnanswered = new AtomicInteger();

  TestMjpegServer(int fps, boolean corruptTenthBoundary) throws IOException {
    this(fps, corruptTenthBoundary, 1);
  }

  /** A server that waits {@code answerDelayMillis} before answering each viewer. */
  TestMjpegServer(int fps, boolean corruptTenthBoundary, int answerDelayMillis) throws IOException {
    this(fps, corruptTenthBoundary, answerDelayMillis, 1, 0);
  }

  /**
   * A server that sends each frame {@code copies} times in a row, and stamps each frame {@code
   * stampAgeMillis} before the time it is sent.
   */
  TestMjpegServer(
      int fps, boolean corruptTenthBoundary, int answerDelayMillis, int copies, int stampAgeMillis)
      throws IOException {
    this.answerDelayMillis = answerDelayMillis;
    this.copies = copies;
    this.stampAgeMicros = stampAgeMillis * 1000L;
    this.fps = fps;
    this.corruptTenthBoundary = corruptTenthBoundary;
    listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "test-mjpeg-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The most viewers that were accepted and not yet answered at one time. */
  int mostUnanswered() {
    return mostUnanswered.get();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/stream.mjpg");
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        sockets.add(socket);
        mostUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
        Thread worker = new Thread(() -> stream(socket), "test-mjpeg");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static byte[] jpeg(int length, int seed) {
    byte[] body = new byte[length];
    for (int i = 0; i < length; i++) {
      body[i] = (byte) (i * 31 + seed);
    }
    body[0] = (byte) 0xFF;
    body[1] = (byte) 0xD8;
    body[length - 2] = (byte) 0xFF;
    body[length - 1] = (byte) 0xD9;
    return body;
  }

  private void stream(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      Thread.sleep(answerDelayMillis); // a slow server: what --max-connecting is for
      unanswered.decrementAndGet();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        request.write(b);
      }
      out.write(
          String.join(
                  "\r\n",
                  "HTTP/1.0 200 OK",
                  "Age: 0",
                  "Cache-Control: no-cache, private",
                  "Pragma: no-cache",
                  "Content-Type: multipart/x-mixed-replace; boundary=FRAME",
                  "",
                  "")
              .getBytes(StandardCharsets.ISO_8859_1));
      long period = TimeUnit.SECONDS.toNanos(1) / fps;
      long next = System.nanoTime();
      for (int frame = 0; !socket.isClosed(); frame++) {
        byte[] body = jpeg(5000 + frame % 1000, frame);
        Instant now = Instant.now();
        long stamp = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - stampAgeMicros;
        String boundary = corruptTenthBoundary && frame == 10 ? "--FRAXE" : "--FRAME";
        for (int copy = 0; copy < copies; copy++) {
          out.write(
              String.format(
                      Locale.ROOT,
                      String.join(
                          "\r\n",
                          "%s",
                          "Content-Type: image/jpeg",
                          "Content-Length: %d",
                          "X-Timestamp: %d.%06d",
                          "",
                          ""),
                      boundary,
                      body.length,
                      stamp / 1_000_000L,
                      stamp % 1_000_000L)
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.write(body);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        next += period;
        LockSupport.parkNanos(next - System.nanoTime()); // the frame clock, not synchronisation
      }
    } catch (IOException e) {
      // the viewer went away: normal at the end of a run
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
