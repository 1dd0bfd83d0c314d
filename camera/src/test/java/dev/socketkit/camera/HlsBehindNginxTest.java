package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.CameraServerTest.Response;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's nginx, configured by {@code packaging/nginx-hls-cache.conf} as shipped (only the listen
 * port, the camera's port and the cache path changed), in front of a test-pattern camera: many HLS
 * clients through it cost the camera about one request per segment and about one playlist request a
 * second.
 */
@Timeout(180)
class HlsBehindNginxTest {
  private static final int CLIENTS = 50;
  private static final int SEGMENTS_EACH = 6; // about 6 s of video, polled once a second

  @TempDir Path dir;

  /** One simulated player: what it has fetched. */
  private static final class Player {
    final Set<String> segments = ConcurrentHashMap.newKeySet();
    final AtomicLong bytes = new AtomicLong();
  }

  @Test
  void manyClientsThroughNginxCostTheCameraAboutOneRequestPerSegment() throws Exception {
    Tools.require("ffmpeg");
    // Debian puts nginx in /usr/sbin, often not on a user's PATH.
    Path sbin = Path.of("/usr/sbin/nginx");
    Path nginx =
        !Tools.installed("nginx") && Files.isExecutable(sbin) ? sbin : Tools.require("nginx");
    try (Camera camera = HlsRoutesTest.camera().start()) {
      int cameraPort = CameraServerTest.port(camera);
      int port = freePort();
      Process process = startNginx(nginx, cameraPort, port);
      ScheduledExecutorService players = Executors.newScheduledThreadPool(CLIENTS);
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Player> all = new ArrayList<>();
      Set<String> cacheStatuses = ConcurrentHashMap.newKeySet();
      List<ScheduledFuture<?>> polls = new ArrayList<>();
      try {
        Await.until(
            Duration.ofSeconds(30),
            () -> {
              assertThat(process.isAlive()).as("nginx runs: " + log("nginx.out")).isTrue();
              return listening(port);
            },
            () -> "nginx listens on " + port);
        long started = System.nanoTime();
        for (int i = 0; i < CLIENTS; i++) {
          Player player = new Player();
          all.add(player);
          // Each player reloads the playlist every second (a player reloads once per target
          // duration or sooner) and fetches every segment it has not had yet.
          ScheduledFuture<?> polling =
              players.scheduleWithFixedDelay(
                  () -> {
                    try {
                      poll(port, player, cacheStatuses);
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  },
                  i * 20L,
                  1000,
                  TimeUnit.MILLISECONDS);
          polls.add(polling);
        }
        Await.until(
            Duration.ofSeconds(90),
            () -> {
              assertThat(failures).isEmpty();
              return all.stream().allMatch(p -> p.segments.size() >= SEGMENTS_EACH);
            },
            () -> "every player fetched " + SEGMENTS_EACH + " segments through nginx");
        polls.forEach(polling -> polling.cancel(false));
        players.shutdownNow();
        assertThat(players.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<?, ?> hls =
            (Map<?, ?>) ((Map<?, ?>) StreamingHandler.stateTree(camera).get("formats")).get("hls");
        long segmentRequests = ((Number) hls.get("segmentRequests")).longValue();
        long distinct = ((Number) hls.get("segmentsRequested")).longValue();
        long playlistRequests = ((Number) hls.get("playlistRequests")).longValue();
        long clientSegments = all.stream().mapToLong(p -> p.segments.size()).sum();
        String summary =
            String.format(
                java.util.Locale.ROOT,
                "%d players fetched %d segments in %.1f s; the camera answered %d segment requests"
                    + " for %d segments (at most %s for one) and %d playlist requests; cache: %s",
                CLIENTS,
                clientSegments,
                seconds,
                segmentRequests,
                distinct,
                hls.get("mostRequestsPerSegment"),
                playlistRequests,
                cacheStatuses);
        System.out.println(summary);
        assertThat(((Number) hls.get("mostRequestsPerSegment")).longValue())
            .as(summary)
            .isLessThanOrEqualTo(2);
        assertThat(segmentRequests).as(summary).isLessThanOrEqualTo(2 * distinct);
        assertThat(playlistRequests).as(summary).isLessThanOrEqualTo(Math.round(2 * seconds) + 5);
        assertThat(clientSegments).as(summary).isGreaterThanOrEqualTo(20L * distinct);
        assertThat(cacheStatuses).as(summary).contains("HIT");
      } finally {
        players.shutdownNow();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** One reload of the playlist through nginx, then each segment the player has not had. */
  private static void poll(int port, Player player, Set<String> cacheStatuses) throws IOException {
    Response playlist = CameraServerTest.get(port, "/hls/index.m3u8");
    assertThat(playlist.code()).as(playlist.text()).isEqualTo(200);
    for (String uri : HlsRoutesTest.uris(playlist.text())) {
      if (!uri.endsWith(".m4s") || player.segments.contains(uri)) {
        continue;
      }
      Response segment = CameraServerTest.get(port, "/hls/" + uri);
      if (segment.code() == 404) {
        continue; // slid out of the window between the reload and this request: a slow player
      }
      assertThat(segment.code()).as(uri).isEqualTo(200);
      assertThat(HlsRoutesTest.firstSampleIsSync(segment.body())).as(uri).isTrue();
      String status = segment.headers().get("x-cache-status");
      if (status != null) {
        cacheStatuses.add(status);
      }
      player.bytes.addAndGet(segment.body().length);
      player.segments.add(uri);
    }
  }

  /**
   * Starts nginx as this user with {@code packaging/nginx-hls-cache.conf} included in an {@code
   * http} block; only the listen port, the camera's port and the cache path are changed.
   */
  private Process startNginx(Path nginx, int cameraPort, int port) throws IOException {
    Path recipe = Path.of("..", "packaging", "nginx-hls-cache.conf");
    assertThat(recipe).exists();
    String shipped = Files.readString(recipe);
    String conf =
        shipped
            .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
            .replace("server 127.0.0.1:8000;", "server 127.0.0.1:" + cameraPort + ";")
            .replace("/var/cache/nginx/socketkit-hls", dir.resolve("cache").toString());
    assertThat(conf.replaceAll("(?m)#.*$", ""))
        .as("the test changes only what it must, and all of it")
        .doesNotContain("8080", "127.0.0.1:8000", "/var/cache");
    Files.writeString(dir.resolve("hls-cache.conf"), conf);
    String d = dir.toString();
    Files.writeString(
        dir.resolve("nginx.conf"),
        "events { worker_connections 1024; }\n"
            + "http {\n"
            + "  access_log off;\n"
            + "  client_body_temp_path "
            + d
            + "/body; proxy_temp_path "
            + d
            + "/proxy;\n"
            + "  fastcgi_temp_path "
            + d
            + "/fastcgi; uwsgi_temp_path "
            + d
            + "/uwsgi; scgi_temp_path "
            + d
            + "/scgi;\n"
            + "  include "
            + d
            + "/hls-cache.conf;\n"
            + "}\n");
    // One process, as this user (no switch to another user when run as root), in the foreground.
    return new ProcessBuilder(
            nginx.toString(),
            "-p",
            d,
            "-c",
            dir.resolve("nginx.conf").toString(),
            "-g",
            "daemon off; master_process off; pid "
                + d
                + "/nginx.pid; error_log "
                + d
                + "/error.log;")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
  }

  private static boolean listening(int port) {
    try {
      new Socket(InetAddress.getLoopbackAddress(), port).close();
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** A port free now (nginx binds it next; a clash shows as nginx exiting with its log). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private String log(String name) {
    try {
      Path file = dir.resolve(name);
      String out = Files.exists(file) ? Files.readString(file) : "";
      Path errors = dir.resolve("error.log");
      return out + (Files.exists(errors) ? Files.readString(errors) : "");
    } catch (IOException e) {
      return e.toString();
    }
  }
}
