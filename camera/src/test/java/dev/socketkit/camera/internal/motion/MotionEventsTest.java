package dev.socketkit.camera.internal.motion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class MotionEventsTest {
  private static final long T0 = 1_795_000_000_000_000L;

  @TempDir Path dir;

  private static MotionEvent event(int second, int length) {
    long start = T0 + second * 1_000_000L;
    return new MotionEvent(start, start + length * 1_000_000L, 0.05, start, new byte[] {1, 2, 3});
  }

  @Test
  void pagesEventsNewestFirst() {
    try (MotionEvents events = new MotionEvents("cam", 3, dir, null, null, List.of())) {
      for (int s = 0; s < 5; s++) {
        MotionEvent e = event(s * 10, 2);
        events.started(new MotionEvent(e.startMicros(), -1, 0.01, e.startMicros(), null));
        events.ended(e);
      }
      List<MotionEvent> first = events.page(2, null);
      assertThat(first)
          .extracting(MotionEvent::startMicros)
          .containsExactly(T0 + 40_000_000L, T0 + 30_000_000L);
      assertThat(first).allMatch(MotionEvent::ended);
      List<MotionEvent> next = events.page(2, first.get(1).id());
      assertThat(next).extracting(MotionEvent::startMicros).containsExactly(T0 + 20_000_000L);
      assertThat(events.total()).isEqualTo(5);
      assertThat(events.find(first.get(0).id())).isPresent();
      assertThat(events.find("nope")).isEmpty();
    }
  }

  @Test
  void runsTheStartAndEndProgramsWithTheSnapshotPath() throws Exception {
    Path log = dir.resolve("log.txt");
    String script =
        "printf '%s %s %s\\n' \"$SOCKETKIT_EVENT_PHASE\" \"$SOCKETKIT_EVENT_END\" \"$(cat \"$SOCKETKIT_EVENT_SNAPSHOT\" | wc -c)\" >> \"$1\"";
    EventHook hook =
        new EventHook(
            List.of("/bin/sh", "-c", script, "hook", log.toString()), Duration.ofSeconds(20));
    MotionEvent e = event(0, 2);
    try (MotionEvents events =
        new MotionEvents("cam", 10, dir.resolve("snaps"), hook, hook, List.of())) {
      events.started(new MotionEvent(e.startMicros(), -1, 0.05, e.startMicros(), e.snapshot()));
      events.ended(e);
    } // close() waits for the hooks
    assertThat(Files.readAllLines(log, StandardCharsets.UTF_8))
        .containsExactly("start  3", "end " + e.end() + " 3");
  }

  @Test
  void closingKillsAHookThatOutlivesTheShutdownWaitWithItsChildren() throws Exception {
    Path pids = dir.resolve("pids");
    // The shell records its own pid and its child's, then waits for the child far past close().
    String script = "sleep 120 & echo \"$$ $!\" > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; wait";
    EventHook hook =
        new EventHook(
            List.of("/bin/sh", "-c", script, "hook", pids.toString()), Duration.ofMinutes(5));
    MotionEvent e = event(0, 2);
    List<ProcessHandle> processes;
    try (MotionEvents events =
        new MotionEvents("cam", 10, dir.resolve("snaps"), hook, null, List.of())) {
      events.started(new MotionEvent(e.startMicros(), -1, 0.05, e.startMicros(), e.snapshot()));
      Await.until(Duration.ofSeconds(20), () -> Files.exists(pids), () -> "the hook starts");
      processes =
          Arrays.stream(Files.readString(pids).trim().split(" "))
              .map(pid -> ProcessHandle.of(Long.parseLong(pid)).orElseThrow())
              .toList();
    } // close() gives up waiting after 10 s
    for (ProcessHandle process : processes) {
      process.onExit().get(10, TimeUnit.SECONDS);
      assertThat(process.isAlive()).isFalse();
    }
  }

  @Test
  void theSnapshotCapCountsTheSnapshotsAnEarlierRunLeft() throws Exception {
    Path snaps = Files.createDirectories(dir.resolve("snaps"));
    for (String old :
        List.of("20260101T000000.000Z", "20260101T000001.000Z", "20260101T000002.000Z")) {
      Files.write(snaps.resolve(old + ".jpg"), new byte[] {9});
    }
    Files.writeString(snaps.resolve("notes.txt"), "not a snapshot");
    EventHook hook = new EventHook(List.of("/bin/sh", "-c", "exit 0"), Duration.ofSeconds(20));
    MotionEvent e = event(0, 2);
    try (MotionEvents events = new MotionEvents("cam", 3, snaps, hook, null, List.of())) {
      events.started(new MotionEvent(e.startMicros(), -1, 0.05, e.startMicros(), e.snapshot()));
    } // close() waits for the hook, which wrote the snapshot
    try (Stream<Path> files = Files.list(snaps)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "20260101T000001.000Z.jpg", "20260101T000002.000Z.jpg", e.id() + ".jpg", "notes.txt");
    }
  }
}
