package dev.socketkit.camera.internal.motion;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The camera's recent motion events: kept for {@code /events} (newest first, paged), with their
 * snapshots; passed on to other listeners (the recorder); and announced to the {@code
 * --on-motion-start} / {@code --on-motion-end} programs.
 *
 * <p>Threading: the detector's thread calls the {@link MotionListener} methods; request threads
 * call {@link #page} and {@link #find}; the hooks run one at a time on a worker thread of their
 * own, behind a short queue (when programs are slower than events, later runs are skipped and
 * counted, never queued without bound). {@link #close()} lets the running and queued programs
 * finish for at most 10 seconds, then kills a program still running (with its child processes) and
 * drops the runs not yet started.
 */
public final class MotionEvents implements MotionListener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MotionEvents.class.getName());

  /** Hook runs waiting at most; more are skipped (the program is too slow for the events). */
  private static final int HOOK_QUEUE = 16;

  private final String cameraName;
  private final int capacity;
  private final Path snapshotDirectory;
  private final EventHook onStart;
  private final EventHook onEnd;
  private final List<MotionListener> downstream;
  private final Deque<MotionEvent> events = new ArrayDeque<>(); // newest first; guarded by this
  private final Deque<Path> snapshotFiles = new ArrayDeque<>(); // oldest first; hook thread
  private final ThreadPoolExecutor hooks;
  private final AtomicLong hooksSkipped = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong hookFailures = new AtomicLong();

  /**
   * Events of the camera {@code cameraName}.
   *
   * @param capacity how many recent events are kept (with their snapshots, in memory)
   * @param snapshotDirectory where snapshot files for the hooks are written (created when needed);
   *     the last {@code capacity} are kept, counting those an earlier run left there
   * @param onStart run when an event starts, or null
   * @param onEnd run when an event ends, or null
   * @param downstream told of every start and end, in order, on the detector's thread
   */
  public MotionEvents(
      String cameraName,
      int capacity,
      Path snapshotDirectory,
      EventHook onStart,
      EventHook onEnd,
      List<MotionListener> downstream) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.cameraName = cameraName;
    this.capacity = capacity;
    this.snapshotDirectory = snapshotDirectory;
    this.onStart = onStart;
    this.onEnd = onEnd;
    this.downstream = List.copyOf(downstream);
    seedSnapshots();
    this.hooks =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(HOOK_QUEUE),
            r -> {
              Thread t = new Thread(r, "socketkit motion hooks");
              t.setDaemon(true);
              return t;
            },
            (task, executor) -> {
              hooksSkipped.incrementAndGet();
              LOG.log(
                  Level.WARNING, "motion hook skipped: the programs are slower than the events");
            });
  }

  @Override
  public void started(MotionEvent event) {
    remember(event);
    for (MotionListener listener : downstream) {
      listener.started(event);
    }
    if (onStart != null) {
      hooks.execute(() -> runHook(onStart, "start", event));
    }
  }

  @Override
  public void ended(MotionEvent event) {
    remember(event);
    for (MotionListener listener : downstream) {
      listener.ended(event);
    }
    if (onEnd != null) {
      hooks.execute(() -> runHook(onEnd, "end", event));
    }
  }

  /**
   * Up to {@code limit} events, newest first, all older than the event {@code before} (an id; null
   * for the newest).
   */
  public synchronized List<MotionEvent> page(int limit, String before) {
    List<MotionEvent> page = new ArrayList<>();
    for (MotionEvent event : events) {
      if (page.size() >= limit) {
        break;
      }
      if (before == null || event.id().compareTo(before) < 0) {
        page.add(event);
      }
    }
    return page;
  }

  /** The event with this id, if it is still kept. */
  public synchronized Optional<MotionEvent> find(String id) {
    return events.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** Events seen since start (including those no longer kept). */
  public long total() {
    return total.get();
  }

  /**
   * Hook runs that failed: a program that did not start, exited with a code other than 0, or was
   * killed at its timeout. Any thread.
   */
  public long hookFailures() {
    return hookFailures.get();
  }

  /** Hook runs skipped because the programs were too slow. */
  public long hooksSkipped() {
    return hooksSkipped.get();
  }

  /**
   * Stops running hooks: waits at most 10 seconds for the running and queued programs, then kills a
   * program still running (and its child processes) and drops the runs not yet started.
   */
  @Override
  public void close() {
    hooks.shutdown();
    try {
      if (!hooks.awaitTermination(10, TimeUnit.SECONDS)) {
        int dropped = hooks.shutdownNow().size(); // interrupts the running hook: EventHook kills it
        if (dropped > 0) {
          LOG.log(Level.WARNING, dropped + " motion hook runs dropped at shutdown");
        }
        hooks.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      hooks.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void remember(MotionEvent event) {
    if (!events.isEmpty() && events.peekFirst().id().equals(event.id())) {
      events.removeFirst(); // the same event, now ended
    } else {
      total.incrementAndGet();
    }
    events.addFirst(event);
    while (events.size() > capacity) {
      events.removeLast();
    }
  }

  private void runHook(EventHook hook, String phase, MotionEvent event) {
    Map<String, String> env = new HashMap<>();
    env.put("SOCKETKIT_CAMERA", cameraName);
    env.put("SOCKETKIT_EVENT_ID", event.id());
    env.put("SOCKETKIT_EVENT_PHASE", phase);
    env.put("SOCKETKIT_EVENT_START", event.start().toString());
    env.put("SOCKETKIT_EVENT_END", event.ended() ? event.end().toString() : "");
    env.put(
        "SOCKETKIT_EVENT_DURATION",
        event.ended()
            ? String.format(Locale.ROOT, "%.3f", (event.endMicros() - event.startMicros()) / 1e6)
            : "");
    env.put("SOCKETKIT_EVENT_PEAK", String.format(Locale.ROOT, "%.4f", event.peakScore()));
    env.put("SOCKETKIT_EVENT_SNAPSHOT", writeSnapshot(event));
    if (hook.run(env) != 0) {
      hookFailures.incrementAndGet();
    }
  }

  /**
   * Takes in the snapshots an earlier run left in the directory, oldest first (their names are
   * event ids, which sort by time), so the cap on kept snapshots holds across restarts.
   */
  private void seedSnapshots() {
    if (snapshotDirectory == null || !Files.isDirectory(snapshotDirectory)) {
      return;
    }
    try (Stream<Path> files = Files.list(snapshotDirectory)) {
      files
          .filter(f -> f.getFileName().toString().endsWith(".jpg") && Files.isRegularFile(f))
          .map(Path::toAbsolutePath)
          .sorted(Comparator.comparing(f -> f.getFileName().toString()))
          .forEach(snapshotFiles::addLast);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot list the earlier motion snapshots: " + e.getMessage());
    }
  }

  /** Writes the event's snapshot for the hook; returns its path, or "" if it cannot be written. */
  private String writeSnapshot(MotionEvent event) {
    if (event.snapshot() == null) {
      return "";
    }
    try {
      Files.createDirectories(snapshotDirectory);
      Path file = snapshotDirectory.resolve(event.id() + ".jpg").toAbsolutePath();
      boolean isNew = !Files.exists(file);
      Files.write(file, event.snapshot());
      if (isNew) {
        snapshotFiles.addLast(file);
      }
      for (Iterator<Path> old = snapshotFiles.iterator(); snapshotFiles.size() > capacity; ) {
        Files.deleteIfExists(old.next());
        old.remove();
      }
      return file.toString();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot write the motion snapshot: " + e.getMessage());
      return "";
    }
  }
}
