package dev.socketkit.select;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/*
 * Design notes.
 *
 * The self-pipe trick: a loop that waits in select() on a list of channels cannot be told to stop
 * by another thread touching its state, so the loop also waits on the read end of a pipe and the
 * other thread writes one byte into the write end. Both ends are non-blocking: a wake-up never
 * blocks the waking thread (a full pipe already wakes the loop), and draining stops when the pipe
 * is empty. A loop that owns a java.nio Selector itself can call Selector.wakeup() instead; this
 * class is for loops built on Select.select, which keeps the selector to itself.
 */

/**
 * A pipe that wakes a thread waiting in {@link Select#select}: the self-pipe trick. The waiting
 * thread puts {@link #source()} in its read list; any other thread calls {@link #wakeUp()}; the
 * waiting thread sees the source readable, calls {@link #drain()} and looks at why it was woken.
 *
 * <p>Threads: {@link #wakeUp()} may be called from any thread, at any time, also after {@link
 * #close()}. {@link #drain()} is called by the waiting thread. The opener owns the pipe and closes
 * it; a pipe holds two file descriptors while open.
 */
public final class WakeupPipe implements Closeable {
  private static final ByteBuffer ONE_BYTE = ByteBuffer.wrap(new byte[] {1}).asReadOnlyBuffer();

  private final Pipe pipe;

  private WakeupPipe(Pipe pipe) {
    this.pipe = pipe;
  }

  /**
   * Opens a pipe with both ends in non-blocking mode.
   *
   * @throws IOException if the pipe cannot be opened (out of file descriptors, say); nothing is
   *     left open
   */
  public static WakeupPipe open() throws IOException {
    Pipe pipe = Pipe.open();
    WakeupPipe wakeup = new WakeupPipe(pipe);
    try {
      pipe.source().configureBlocking(false);
      pipe.sink().configureBlocking(false);
    } catch (IOException | RuntimeException e) {
      try {
        wakeup.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return wakeup;
  }

  /**
   * The read end: the channel to wait on for reading. Readable after a {@link #wakeUp()} until the
   * next {@link #drain()}.
   */
  public Pipe.SourceChannel source() {
    return pipe.source();
  }

  /**
   * Wakes the thread waiting on {@link #source()}, at once, or makes its next wait return at once.
   * Never blocks. Any thread.
   *
   * @return true if the pipe was open and the waiting thread will see it readable, false if the
   *     pipe is closed (so nobody waits on it any more)
   */
  public boolean wakeUp() {
    try {
      pipe.sink().write(ONE_BYTE.duplicate()); // writes 0 bytes when full: then it is readable
      return true;
    } catch (IOException e) {
      return false; // closed, perhaps concurrently: nothing waits on it any more
    }
  }

  /**
   * Reads every byte waiting in the pipe, so that the next wait blocks again. Called by the waiting
   * thread after {@link #source()} was reported readable; does nothing once closed.
   *
   * @throws IOException if reading fails
   */
  public void drain() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(64);
    Pipe.SourceChannel source = pipe.source();
    while (source.isOpen() && source.read(bytes) > 0) {
      bytes.clear();
    }
  }

  /**
   * Closes both ends; idempotent. A channel registered with a selector is only really closed once
   * its key is gone: the waiting thread calls {@link Select#forget} on {@link #source()} first.
   *
   * @throws IOException if closing an end failed; the other end is closed all the same
   */
  @Override
  public void close() throws IOException {
    Pipe.SinkChannel sink = pipe.sink();
    Pipe.SourceChannel source = pipe.source();
    try (sink;
        source) {
      // try-with-resources closes both and keeps the first failure
    }
  }
}
