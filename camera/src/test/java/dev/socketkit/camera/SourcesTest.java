package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.Jpeg;
import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Pictures;
import dev.socketkit.camera.internal.Size;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class SourcesTest {
  @TempDir Path dir;

  private static final FrameSource.Settings SETTINGS =
      new FrameSource.Settings(160, 120, 30, 70, "test");

  static void await(String what, Duration timeout, BooleanSupplier condition) throws Exception {
    Await.until(timeout, condition::getAsBoolean, () -> what);
  }

  /** Collects every frame a hub publishes while subscribed (the listener sees each one). */
  private static List<Frame> collect(FrameHub hub, int count, Duration timeout)
      throws InterruptedException {
    List<Frame> frames = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch enough = new java.util.concurrent.CountDownLatch(count);
    FrameHub.Subscription subscription =
        hub.subscribe(
            frame -> {
              if (frames.size() < count) {
                frames.add(frame);
                enough.countDown();
              }
            });
    try {
      enough.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } finally {
      subscription.close();
    }
    return new ArrayList<>(frames);
  }

  @Test
  void aFolderOfJpegsPlaysInNameOrderAndLoops() throws Exception {
    List<byte[]> images = new ArrayList<>();
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      for (int i = 0; i < 3; i++) {
        byte[] jpeg = encoder.encode(new Pictures(64, 48).testPattern(i * 10L, Instant.EPOCH, ""));
        images.add(jpeg);
        Files.write(dir.resolve("img" + i + ".jpg"), jpeg);
      }
    }
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    FrameHub hub = new FrameHub();
    FrameSource source = FrameSource.parse("dir:" + dir, SETTINGS);
    try (SourceSupervisor supervisor =
        new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      List<Frame> frames = collect(hub, 7, Duration.ofSeconds(20));
      assertThat(frames).hasSizeGreaterThanOrEqualTo(7);
      int start = -1;
      for (int i = 0; i < images.size(); i++) {
        if (java.util.Arrays.equals(frames.get(0).jpeg(), images.get(i))) {
          start = i;
        }
      }
      assertThat(start).isNotNegative();
      for (int k = 0; k < 7; k++) {
        assertThat(frames.get(k).jpeg()).isEqualTo(images.get((start + k) % 3));
      }
      assertThat(frames.get(0).width()).isEqualTo(64);
    }
  }

  @Test
  void anEmptyFolderIsReportedAndShowsNoSignal() throws Exception {
    FrameHub hub = new FrameHub();
    try (SourceSupervisor supervisor =
        new SourceSupervisor(
            FrameSource.parse("dir:" + dir, SETTINGS), hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      List<Frame> frames = collect(hub, 1, Duration.ofSeconds(10));
      assertThat(frames).hasSize(1);
      assertThat(Jpeg.size(frames.get(0).jpeg())).isEqualTo(new Size(160, 120));
      await(
          "the error in the status",
          Duration.ofSeconds(10),
          () -> supervisor.status().lastError() != null);
      assertThat(supervisor.status().lastError()).contains("no .jpg or .jpeg files in");
    }
  }

  @Test
  void relaysAnotherMjpegServer() throws Exception {
    FrameHub upstream = new FrameHub();
    try (SourceSupervisor upstreamSource =
            new SourceSupervisor(
                FrameSource.parse("test", SETTINGS),
                upstream,
                160,
                120,
                70,
                Duration.ofSeconds(10));
        MjpegFanOut fanOut = new MjpegFanOut(upstream, Duration.ofSeconds(5));
        ServerSocketChannel server = ServerSocketChannel.open()) {
      upstreamSource.start();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    SocketChannel channel = server.accept();
                    ByteBuffer request = ByteBuffer.allocate(4096);
                    channel.read(request); // the GET; one read is enough for this client
                    channel.write(
                        ByteBuffer.wrap(
                            ("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;"
                                    + " boundary=FRAME\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII)));
                    fanOut.attach(channel, channel.getRemoteAddress(), 0);
                  }
                } catch (IOException e) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      int port = server.socket().getLocalPort();
      FrameHub hub = new FrameHub();
      try (SourceSupervisor relay =
          new SourceSupervisor(
              FrameSource.parse("http://user:pw@127.0.0.1:" + port + "/stream.mjpg", SETTINGS),
              hub,
              160,
              120,
              70,
              Duration.ofSeconds(10))) {
        assertThat(relay.status().source()).doesNotContain("pw");
        relay.start();
        List<Frame> frames = collect(hub, 10, Duration.ofSeconds(20));
        assertThat(frames).hasSize(10);
        for (Frame frame : frames) {
          assertThat(Jpeg.looksWhole(frame.jpeg())).isTrue();
          assertThat(frame.width()).isEqualTo(160);
        }
        assertThat(relay.status().state()).isEqualTo(SourceState.RUNNING);
      }
    }
  }

  @Test
  void relaysAServerThatSendsPartsWithoutContentLength() throws Exception {
    byte[] jpeg;
    try (dev.socketkit.camera.internal.JpegEncoder encoder =
        new dev.socketkit.camera.internal.JpegEncoder(60)) {
      jpeg = encoder.encode(new Pictures(80, 60).testPattern(1, Instant.EPOCH, ""));
    }
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread upstream =
          new Thread(
              () -> {
                try (SocketChannel channel = server.accept()) {
                  channel.read(ByteBuffer.allocate(4096));
                  channel.write(
                      ByteBuffer.wrap(
                          ("HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace;"
                                  + " boundary=--myboundary\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII)));
                  while (true) {
                    channel.write(
                        ByteBuffer.wrap(
                            "--myboundary\r\nContent-Type: image/jpeg\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII)));
                    channel.write(ByteBuffer.wrap(jpeg));
                    channel.write(ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.US_ASCII)));
                    TimeUnit.MILLISECONDS.sleep(30);
                  }
                } catch (IOException e) {
                  // the relay went away: the test is over
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      upstream.setDaemon(true);
      upstream.start();
      FrameHub hub = new FrameHub();
      try (SourceSupervisor relay =
          new SourceSupervisor(
              FrameSource.parse(
                  "http://127.0.0.1:" + server.socket().getLocalPort() + "/", SETTINGS),
              hub,
              160,
              120,
              70,
              Duration.ofSeconds(10))) {
        relay.start();
        List<Frame> frames = collect(hub, 5, Duration.ofSeconds(20));
        assertThat(frames).hasSize(5);
        for (Frame frame : frames) {
          assertThat(frame.jpeg()).isEqualTo(jpeg);
        }
      }
    }
  }

  private static Optional<ProcessHandle> ffmpegChild() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
        .findFirst();
  }

  @Test
  void restartsFfmpegAfterTheChildIsKilledShowingNoSignalMeanwhile() throws Exception {
    Tools.require("ffmpeg");
    FrameHub hub = new FrameHub();
    FrameSource source =
        FrameSource.parse("ffmpeg:-re -f lavfi -i testsrc=size=160x120:rate=15", SETTINGS);
    Set<Long> seenPids = ConcurrentHashMap.newKeySet();
    try (SourceSupervisor supervisor =
        new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      assertThat(collect(hub, 5, Duration.ofSeconds(30))).hasSize(5);
      ProcessHandle first = ffmpegChild().orElseThrow();
      seenPids.add(first.pid());
      first.destroyForcibly();
      await("a restart", Duration.ofSeconds(20), () -> supervisor.status().restarts() >= 1);
      assertThat(supervisor.status().lastError()).contains("ffmpeg exited");
      await(
          "a new ffmpeg child",
          Duration.ofSeconds(20),
          () -> ffmpegChild().map(p -> !seenPids.contains(p.pid())).orElse(false));
      assertThat(collect(hub, 5, Duration.ofSeconds(30))).hasSize(5);
      await(
          "running again",
          Duration.ofSeconds(10),
          () -> supervisor.status().state() == SourceState.RUNNING);
    }
    await("the child is gone", Duration.ofSeconds(10), () -> ffmpegChild().isEmpty());
  }

  @Test
  void aMissingProgramIsOneClearSentence() throws Exception {
    FrameHub hub = new FrameHub();
    FrameSource source =
        new dev.socketkit.camera.internal.FfmpegSource(
            "ffmpeg-that-is-not-installed", "-f lavfi -i testsrc", 80);
    try (SourceSupervisor supervisor =
        new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      await("the error", Duration.ofSeconds(10), () -> supervisor.status().lastError() != null);
      assertThat(supervisor.status().lastError()).startsWith("cannot run ffmpeg (is it installed?");
    }
  }

  @Test
  void aSourceThatThrowsAnErrorIsRestartedAndTheStateSaysWhy() throws Exception {
    FrameHub hub = new FrameHub();
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    FrameSource source =
        new FrameSource() {
          @Override
          public String describe() {
            return "overflowing";
          }

          @Override
          public void run(FrameHub into) {
            runs.incrementAndGet();
            throw new StackOverflowError("deep");
          }
        };
    try (SourceSupervisor supervisor =
        new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      await("the source is run again", Duration.ofSeconds(10), () -> runs.get() >= 2);
      SourceSupervisor.Status status = supervisor.status();
      assertThat(status.lastError()).contains("StackOverflowError", "deep");
      assertThat(status.restarts()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void anInvalidRelayUrlIsRefusedWithoutShowingItsPassword() {
    for (String url :
        new String[] {"http://alice:se cret@cam/", "http://alice:se%zzcret@cam/x y"}) {
      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> FrameSource.parse(url, new FrameSource.Settings(160, 120, 10, 70, "t")));
      assertThat(thrown).as(url).isInstanceOf(IllegalArgumentException.class);
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).as(url).doesNotContain("se cret", "zzcret");
      }
      assertThat(thrown.getMessage()).startsWith("not a valid URL: ");
    }
  }
}
