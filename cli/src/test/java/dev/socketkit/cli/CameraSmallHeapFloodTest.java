package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.AuthFile;
import dev.socketkit.testkit.MisbehavingPeer;
import dev.socketkit.testkit.MjpegClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, finding 3: a camera in a 128 MiB heap, with 300 connections trickling request heads
 * toward the head cap, still serves an authorised viewer and {@code /state}, and does not run out
 * of memory. The camera runs as a child JVM started from this test's class path, as {@code
 * bin/socketkit} starts it, so its heap is its own.
 */
@Timeout(120)
class CameraSmallHeapFloodTest {
  private static final int FLOOD = 300;

  /**
   * One header line of 48 KiB, under the 64 KiB line limit. The 32 KiB head cap refuses the first
   * (431) and the peer comes back on a new connection; before the cap, 100 such lines a connection
   * were held: the 12 a connection sends here are 170 MiB across the flood.
   */
  private static final String LINE = "X-Fill: " + "a".repeat(48 * 1024 - 10) + "\r\n";

  @TempDir Path dir;

  @Test
  void aSlowHeaderFloodAt128MiBDoesNotStopAnAuthorisedViewer() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    String basic =
        "Authorization: Basic "
            + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    Path stderr = dir.resolve("stderr.txt");
    Process camera =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "camera",
                "--port",
                "0",
                "--size",
                "320x240",
                "--fps",
                "10",
                "--auth-file",
                users.toString(),
                // every flooding connection is held, rather than most refused at the default 50
                "--max-connections-per-client",
                "1000")
            .redirectError(stderr.toFile())
            .start();
    List<MisbehavingPeer> peers = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8));
      String listening = out.readLine();
      assertThat(listening).startsWith("listening on 127.0.0.1:");
      int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).strip());

      for (int i = 0; i < FLOOD; i++) {
        peers.add(MisbehavingPeer.stalling(port).send("GET /state HTTP/1.1\r\nHost: x\r\n"));
      }
      // 12 lines a connection, one at a time across the flood: no head is ever finished.
      for (int round = 0; round < 12; round++) {
        for (int i = 0; i < peers.size(); i++) {
          peers.set(i, trickle(peers.get(i), port));
        }
        assertThat(camera.isAlive()).as("the camera is alive after round %d", round).isTrue();
      }

      try (MjpegClient viewer =
          MjpegClient.open("127.0.0.1", port, "/stream.mjpg", basic, "Connection: close")) {
        assertThat(viewer.statusLine()).contains("200");
        for (int frame = 0; frame < 5; frame++) {
          assertThat(viewer.next().jpeg()).isNotEmpty();
          for (int i = 0; i < peers.size(); i++) {
            peers.set(i, trickle(peers.get(i), port));
          }
        }
      }
      assertThat(state(port, basic)).startsWith("HTTP/1.1 200");
      assertThat(camera.isAlive()).isTrue();
    } finally {
      for (MisbehavingPeer peer : peers) {
        peer.close();
      }
      camera.destroy();
      assertThat(camera.waitFor(30, TimeUnit.SECONDS)).isTrue();
      camera.destroyForcibly();
    }
    assertThat(Files.readString(stderr)).doesNotContain("OutOfMemoryError");
  }

  /**
   * Sends one more header line on {@code peer}; a peer the camera closed (head cap or deadline) is
   * replaced by a fresh one, so the flood stays {@value #FLOOD} strong.
   */
  private static MisbehavingPeer trickle(MisbehavingPeer peer, int port) throws IOException {
    try {
      return peer.send(LINE);
    } catch (IOException closed) {
      peer.close();
      return MisbehavingPeer.stalling(port).send("GET /state HTTP/1.1\r\nHost: x\r\n");
    }
  }

  private static String state(int port, String basic) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              ("GET /state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                      + basic
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
