package dev.socketkit.camera.internal;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.RecordFormat;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.internal.motion.EventHook;
import dev.socketkit.camera.internal.motion.MotionEvents;
import dev.socketkit.camera.internal.motion.MotionWatcher;
import dev.socketkit.camera.internal.recording.Recorder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Motion detection and recording attached to a camera's {@link FrameHub}, beside the viewers: what
 * makes the camera a surveillance camera.
 *
 * <p>It subscribes to the hub once; its listener only hands each frame to the motion watcher
 * (keeping the newest) and to the recorder (a bounded queue), so neither can slow the source or the
 * viewers. The subscription counts as demand: with surveillance on, the camera captures even when
 * no one watches.
 *
 * <p>Lifecycle: made by the {@link dev.socketkit.camera.Camera} that owns it (or by a test), {@link
 * #start()} before serving, {@link #close()} at shutdown (it ends an event going on and finishes
 * the segment being written). Owns the watcher, the recorder and the event log, and closes them.
 */
public final class Surveillance implements AutoCloseable {
  private final FrameHub hub;
  private final MotionWatcher watcher;
  private final MotionEvents events;
  private final Recorder recorder;
  private FrameHub.Subscription subscription;
  private volatile BooleanSupplier sourceRunning = () -> true;

  /**
   * Surveillance of {@code hub}'s frames with a recorder made elsewhere (or null for none); the
   * recorder is started and closed by this object.
   *
   * @param cameraName the camera's name (in hook environments)
   * @param motion motion settings, or null for no motion detection
   * @param onStart program to run when an event starts, or null
   * @param onEnd program to run when an event ends, or null
   * @param recorder the recorder, or null; a recorder in mode {@link RecordMode#MOTION} needs
   *     {@code motion}
   * @param snapshotDirectory where event snapshots for the hooks are written
   * @throws IllegalArgumentException if recording on motion is asked for without motion detection
   */
  public Surveillance(
      FrameHub hub,
      String cameraName,
      MotionSettings motion,
      EventHook onStart,
      EventHook onEnd,
      Recorder recorder,
      Path snapshotDirectory) {
    this(hub, cameraName, motion, onStart, onEnd, recorder, snapshotDirectory, List.of());
  }

  /**
   * As the other constructor, and tells {@code listeners} of every motion event's start and end, on
   * the motion detector's thread, after the recorder.
   */
  public Surveillance(
      FrameHub hub,
      String cameraName,
      MotionSettings motion,
      EventHook onStart,
      EventHook onEnd,
      Recorder recorder,
      Path snapshotDirectory,
      List<MotionListener> listeners) {
    this.hub = hub;
    if (recorder != null && recorder.settings().mode() == RecordMode.MOTION && motion == null) {
      throw new IllegalArgumentException("recording on motion needs motion detection");
    }
    this.recorder = recorder;
    List<MotionListener> downstream = new ArrayList<>();
    if (recorder != null) {
      downstream.add(
          new MotionListener() {
            @Override
            public void started(MotionEvent event) {
              recorder.motionStarted(event.startMicros());
            }

            @Override
            public void ended(MotionEvent event) {
              recorder.motionEnded(event.endMicros());
            }
          });
    }
    downstream.addAll(listeners);
    if (motion != null) {
      this.events =
          new MotionEvents(cameraName, 200, snapshotDirectory, onStart, onEnd, downstream);
      this.watcher = new MotionWatcher(motion, events);
    } else {
      this.events = null;
      this.watcher = null;
    }
  }

  /**
   * Analyses and records frames only while {@code sourceRunning} says the real source delivers
   * them: the NO SIGNAL frames the camera shows while its source restarts would otherwise look like
   * motion and fill recordings. Any thread; called before {@link #start()}.
   */
  public void skipFramesUnless(BooleanSupplier sourceRunning) {
    this.sourceRunning = sourceRunning;
  }

  /** Whether there is anything to do (motion detection or recording is on). */
  public boolean enabled() {
    return watcher != null || recorder != null;
  }

  /** The motion events, or null without motion detection. */
  public MotionEvents events() {
    return events;
  }

  /** The recorder, or null when not recording. */
  public Recorder recorder() {
    return recorder;
  }

  /** The motion watcher, or null without motion detection. */
  public MotionWatcher watcher() {
    return watcher;
  }

  /** What {@code /state} shows of motion detection and recording. */
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    if (watcher != null) {
      Map<String, Object> motion = new LinkedHashMap<>();
      motion.put("framesAnalysed", watcher.framesAnalysed());
      motion.put("lastScore", Math.round(watcher.lastScore() * 10_000) / 10_000.0);
      motion.put("events", events.total());
      List<MotionEvent> newest = events.page(1, null);
      motion.put("ongoing", !newest.isEmpty() && !newest.get(0).ended());
      motion.put("lastError", watcher.lastError());
      state.put("motion", motion);
    }
    if (recorder != null) {
      Map<String, Object> recording = new LinkedHashMap<>();
      recording.put("mode", recorder.settings().mode().name().toLowerCase(Locale.ROOT));
      recording.put("format", recorder.format().extension());
      recording.put("current", recorder.currentSegment());
      recording.put("framesWritten", recorder.framesWritten());
      recording.put("framesDropped", recorder.framesDropped());
      recording.put("segmentsFinished", recorder.segmentsFinished());
      recording.put("failure", recorder.failure());
      state.put("recording", recording);
    }
    return state;
  }

  /**
   * Repairs unfinished recordings, starts the threads, and subscribes to the hub.
   *
   * @throws IOException if the recording directory cannot be created or read
   */
  public synchronized void start() throws IOException {
    if (!enabled() || subscription != null) {
      return;
    }
    if (recorder != null) {
      recorder.start();
    }
    if (watcher != null) {
      watcher.start();
    }
    subscription = hub.subscribe(this::accept);
  }

  private void accept(Frame frame) {
    if (!sourceRunning.getAsBoolean()) {
      return;
    }
    if (watcher != null) {
      watcher.offer(frame.jpeg(), frame.captureEpochMicros());
    }
    if (recorder != null && recorder.format() == RecordFormat.AVI) { // MP4 takes H.264 fragments
      Size size = new Size(Math.max(0, frame.width()), Math.max(0, frame.height()));
      if (!size.known()) {
        size = Jpeg.size(frame.jpeg());
      }
      if (size.known()) {
        recorder.offer(frame.jpeg(), frame.captureEpochMicros(), size.width(), size.height());
      }
    }
  }

  /**
   * Unsubscribes, ends an event going on, finishes the segment being written, and stops the
   * threads. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
    if (watcher != null) {
      watcher.close();
    }
    if (events != null) {
      events.close();
    }
    if (recorder != null) {
      recorder.close();
    }
  }
}
