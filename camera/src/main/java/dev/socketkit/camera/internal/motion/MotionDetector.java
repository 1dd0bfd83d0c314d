package dev.socketkit.camera.internal.motion;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decides, frame by frame, whether the picture moves, and turns runs of moving frames into motion
 * events.
 *
 * <p>Each frame is decoded already scaled down (JPEG subsampling while decoding, so a 1080p frame
 * costs about as little as a small one) to greyscale and compared with a background: a running
 * average of earlier frames. A pixel has changed when it differs from the background by more than
 * the threshold; the frame's score is the fraction of changed pixels, and it moves when the score
 * reaches the area. The background takes in unchanged pixels at the background rate and changed
 * ones five times slower, so a passing object leaves no ghost behind it, while an object that stays
 * (a parked car) becomes background within about half a minute at the defaults.
 *
 * <p>An event starts when frames keep moving for the minimum duration (its start is the first
 * moving frame), and ends when they stay still for the gap (its end is the last moving frame). Time
 * is the frames' capture time, so the detector is deterministic and tested with synthetic frames.
 *
 * <p>Not thread-safe: one thread (the {@link MotionWatcher}'s) calls it. {@link #close()} frees the
 * JPEG decoder.
 */
public final class MotionDetector implements AutoCloseable {
  private enum State {
    STILL,
    CANDIDATE,
    ACTIVE
  }

  private final MotionSettings settings;
  private final MotionListener listener;
  private final ImageReader reader;
  private final long minMicros;
  private final long gapMicros;

  private float[] background;
  private int backgroundWidth;
  private int backgroundHeight;
  private State state = State.STILL;
  private long candidateStart;
  private long lastMoving;
  private double peak;
  private long peakMicros;
  private byte[] peakJpeg;
  private MotionEvent active;
  private double lastScore;

  /** A detector reporting events to {@code listener}. */
  public MotionDetector(MotionSettings settings, MotionListener listener) {
    this.settings = settings;
    this.listener = listener;
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JDK has no JPEG decoder (javax.imageio)");
    }
    this.reader = readers.next();
    this.minMicros = settings.minDuration().toNanos() / 1000;
    this.gapMicros = settings.gap().toNanos() / 1000;
  }

  /**
   * Analyses one frame.
   *
   * @param jpeg the frame (not modified; kept as the snapshot if it is an event's peak)
   * @param captureMicros its capture time, microseconds since the epoch, not decreasing
   * @return its score: the fraction of pixels that changed (0 for the first frame)
   * @throws IOException if the JPEG cannot be decoded
   */
  public double analyse(byte[] jpeg, long captureMicros) throws IOException {
    int[] grey = decodeGrey(jpeg);
    double score = compare(grey);
    lastScore = score;
    step(score >= settings.area(), score, jpeg, captureMicros);
    return score;
  }

  /** The score of the last analysed frame. */
  public double lastScore() {
    return lastScore;
  }

  /** Whether an event is going on. */
  public boolean inEvent() {
    return state == State.ACTIVE;
  }

  /**
   * Ends the event going on, if any, as if stillness had lasted the gap: for a source that stopped
   * sending frames, and at shutdown.
   */
  public void finish() {
    if (state == State.ACTIVE) {
      MotionEvent ended = currentEvent().endedAt(lastMoving);
      active = null;
      state = State.STILL;
      listener.ended(ended);
    }
    state = State.STILL;
  }

  /** Frees the decoder. */
  @Override
  public void close() {
    reader.dispose();
  }

  private void step(boolean moving, double score, byte[] jpeg, long t) {
    switch (state) {
      case STILL -> {
        if (moving) {
          candidateStart = t;
          lastMoving = t;
          peak = score;
          peakMicros = t;
          peakJpeg = jpeg;
          state = State.CANDIDATE;
          startIfLongEnough(t);
        }
      }
      case CANDIDATE -> {
        if (moving) {
          lastMoving = t;
          notePeak(score, jpeg, t);
          startIfLongEnough(t);
        } else {
          state = State.STILL; // a flicker: shorter than the minimum duration
          peakJpeg = null;
        }
      }
      case ACTIVE -> {
        if (moving) {
          lastMoving = t;
          notePeak(score, jpeg, t);
        } else if (t - lastMoving >= gapMicros) {
          finish();
        }
      }
    }
  }

  private void startIfLongEnough(long t) {
    if (t - candidateStart >= minMicros) {
      state = State.ACTIVE;
      active = null;
      listener.started(currentEvent());
    }
  }

  private void notePeak(double score, byte[] jpeg, long t) {
    if (score > peak) {
      peak = score;
      peakMicros = t;
      peakJpeg = jpeg;
      active = null;
    }
  }

  private MotionEvent currentEvent() {
    if (active == null) {
      active = new MotionEvent(candidateStart, -1, peak, peakMicros, peakJpeg);
    }
    return active;
  }

  /** Fraction of pixels differing from the background by more than the threshold; adapts it. */
  private double compare(int[] grey) {
    int n = grey.length;
    if (background == null || background.length != n) {
      background = new float[n];
      for (int i = 0; i < n; i++) {
        background[i] = grey[i];
      }
      return 0;
    }
    float rate = (float) settings.backgroundRate();
    float changedRate = rate / 5;
    int threshold = settings.threshold();
    int changed = 0;
    for (int i = 0; i < n; i++) {
      float diff = grey[i] - background[i];
      if (Math.abs(diff) > threshold) {
        changed++;
        background[i] += changedRate * diff;
      } else {
        background[i] += rate * diff;
      }
    }
    return (double) changed / n;
  }

  /** Decodes the JPEG subsampled to about the analysis width, as grey levels 0-255. */
  private int[] decodeGrey(byte[] jpeg) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int step = Math.max(1, width / settings.analysisWidth());
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      BufferedImage image = reader.read(0, param);
      Raster raster = image.getRaster();
      int w = raster.getWidth();
      int h = raster.getHeight();
      if (w != backgroundWidth || h != backgroundHeight) {
        background = null; // a new size: start the background again
        backgroundWidth = w;
        backgroundHeight = h;
      }
      int bands = raster.getNumBands();
      int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
      int[] grey = new int[w * h];
      if (bands >= 3) {
        for (int i = 0, s = 0; i < grey.length; i++, s += bands) {
          // ITU-R BT.601 luma in 8-bit fixed point.
          grey[i] = (77 * samples[s] + 150 * samples[s + 1] + 29 * samples[s + 2]) >> 8;
        }
      } else {
        for (int i = 0, s = 0; i < grey.length; i++, s += bands) {
          grey[i] = samples[s];
        }
      }
      return grey;
    } catch (RuntimeException e) {
      throw new IOException("cannot decode the frame as JPEG: " + e.getMessage(), e);
    } finally {
      reader.setInput(null);
    }
  }
}
