package dev.socketkit.camera.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/*
 * Design notes.
 *
 * Every program the camera starts (the ffmpeg source, motion hooks, an encoder) needs the same
 * four things, and each got them slightly wrong when it wrote them itself: an empty stdin; stderr
 * drained at once (a child that fills its stderr pipe blocks for ever) but kept only as a short
 * tail for the error message, bounded in lines and in line length, so a chatty child cannot grow
 * the camera's heap; a wait with a timeout; and a stop that cannot leave anything behind.
 *
 * Stopping: SIGTERM to the child, a grace period to let it flush and exit, then SIGKILL to the
 * child and every descendant. The descendants are listed before the SIGTERM, since a parent that
 * exits leaves its children to init, where ProcessHandle.descendants() no longer finds them (sh -c
 * "a | b" ending on SIGTERM while b lives on). The caller's interrupt flag (a stop or a stall, the
 * usual reason to be stopping) is cleared while waiting, since it would make every wait throw at
 * once and the kill never come, and restored afterwards; an interrupted caller gets a shorter
 * grace.
 *
 * Environment: a deny-list, not an allow-list. Hooks are user programs that may rely on any
 * variable of the operator's (proxies, XDG paths, their own tokens), and ffmpeg reads a long tail
 * of its own (TZ, LANG, proxies, SSL_CERT_FILE); an allow-list would break them in ways nobody
 * could foresee. What the camera itself must not pass on is known and named: everything under
 * the SOCKETKIT_ prefix, which covers the TLS key-store password, the source password and the
 * debug switch. The variables the caller adds (a hook's SOCKETKIT_EVENT_*) are put in after.
 */

/**
 * A child process the camera runs: started with an argument list (never a shell) and extra
 * environment, stdin empty, stderr drained by a small daemon thread into a bounded tail for error
 * messages, and stopped by SIGTERM, a grace period, then a kill of the whole process tree.
 *
 * <p>Threads: one owner thread starts, waits for and stops the child; {@link #kill()} and {@link
 * #stderrTail()} may be called from any thread. The owner reads {@link #stdout()} when it asked for
 * a pipe, and stops the child when done (also after it exited, to reap what it left behind).
 */
public final class ChildProcess {
  /** How many lines of stderr the tail keeps: ffmpeg says why it failed in its last few. */
  static final int TAIL_LINES = 5;

  /** The longest stderr line kept; the rest of a longer line is dropped, never buffered. */
  static final int MAX_LINE_CHARS = 500;

  /** Variables named with this prefix are the camera's own, secrets among them: never passed on. */
  static final String SECRET_PREFIX = "SOCKETKIT_";

  /** The most an interrupted caller waits after SIGTERM before killing. */
  private static final Duration INTERRUPTED_GRACE = Duration.ofMillis(500);

  /** How long to wait for killed processes to be gone. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(2);

  private final Process process;
  private final Thread drain;
  private final Deque<String> tail = new ArrayDeque<>(); // guarded by itself

  private ChildProcess(Process process, String name, Consumer<String> stderrLines) {
    this.process = process;
    this.drain = new Thread(() -> drain(stderrLines), name + "-stderr");
    drain.setDaemon(true);
  }

  /**
   * Starts {@code command} with {@code environment} added to the camera's own (less every variable
   * whose name starts with {@value #SECRET_PREFIX}, where the camera's secrets live), stdin closed
   * and stderr drained into the tail.
   *
   * @param command the program (a path or a name on PATH) and its arguments
   * @param environment variables to add or replace in the child's environment
   * @param stdout {@link ProcessBuilder.Redirect#PIPE} to read it with {@link #stdout()}, or {@link
   *     ProcessBuilder.Redirect#INHERIT} to pass it on to the camera's own
   * @param stderrLines also told each line of stderr (on the drain thread), or null
   * @throws IOException if the program cannot be started (not found, not executable)
   */
  public static ChildProcess start(
      List<String> command,
      Map<String, String> environment,
      ProcessBuilder.Redirect stdout,
      Consumer<String> stderrLines)
      throws IOException {
    return start(command, System.getenv(), environment, stdout, stderrLines, false);
  }

  /**
   * As {@link #start(List, Map, ProcessBuilder.Redirect, Consumer)}, but with stdin a pipe the
   * owner writes with {@link #stdin()} (an encoder fed frames) and closes to tell the child that
   * its input has ended.
   *
   * @throws IOException if the program cannot be started (not found, not executable)
   */
  public static ChildProcess startWithStdin(
      List<String> command,
      Map<String, String> environment,
      ProcessBuilder.Redirect stdout,
      Consumer<String> stderrLines)
      throws IOException {
    return start(command, System.getenv(), environment, stdout, stderrLines, true);
  }

  /**
   * {@link #start(List, Map, ProcessBuilder.Redirect, Consumer)} from a given parent environment.
   */
  static ChildProcess start(
      List<String> command,
      Map<String, String> parent,
      Map<String, String> environment,
      ProcessBuilder.Redirect stdout,
      Consumer<String> stderrLines)
      throws IOException {
    return start(command, parent, environment, stdout, stderrLines, false);
  }

  private static ChildProcess start(
      List<String> command,
      Map<String, String> parent,
      Map<String, String> environment,
      ProcessBuilder.Redirect stdout,
      Consumer<String> stderrLines,
      boolean pipeStdin)
      throws IOException {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: [] (expected: a program to run)");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout);
    Map<String, String> childEnvironment = builder.environment();
    childEnvironment.clear();
    childEnvironment.putAll(childEnvironment(parent, environment));
    Process process = builder.start();
    ChildProcess child = new ChildProcess(process, nameOf(command.get(0)), stderrLines);
    child.drain.start();
    if (pipeStdin) {
      return child;
    }
    try {
      process.getOutputStream().close(); // stdin: empty
    } catch (IOException ignored) {
      // The child is already gone; its exit code will say so.
    }
    return child;
  }

  /**
   * The environment a child gets: {@code parent} without the variables named {@value
   * #SECRET_PREFIX}..., then {@code extra} added or replacing.
   */
  static Map<String, String> childEnvironment(
      Map<String, String> parent, Map<String, String> extra) {
    Map<String, String> result = new TreeMap<>();
    parent.forEach(
        (name, value) -> {
          if (!name.toUpperCase(Locale.ROOT).startsWith(SECRET_PREFIX)) {
            result.put(name, value);
          }
        });
    result.putAll(extra);
    return result;
  }

  private static String nameOf(String program) {
    return program.substring(program.lastIndexOf('/') + 1);
  }

  /** The child's stdout, when started with {@link ProcessBuilder.Redirect#PIPE}. Owner thread. */
  public InputStream stdout() {
    return process.getInputStream();
  }

  /** The child's stdin, when started with {@link #startWithStdin}. Owner thread (or its writer). */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child itself (not its descendants) is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits up to {@code timeout} for the child to exit.
   *
   * @return true if it exited, false if it still runs
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits for the child to exit, however long it takes.
   *
   * @return its exit code
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public int waitForExit() throws InterruptedException {
    return process.waitFor();
  }

  /**
   * The child's exit code.
   *
   * @throws IllegalStateException if it has not exited
   */
  public int exitCode() {
    return process.exitValue();
  }

  /**
   * The last {@value #TAIL_LINES} non-blank lines of stderr, stripped and joined with {@code " |
   * "}; empty if it said nothing. Once the child has exited, waits up to a second for the drain
   * thread to read what is left. Any thread.
   */
  public String stderrTail() {
    if (!process.isAlive()) {
      try {
        drain.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (tail) {
      return String.join(" | ", tail);
    }
  }

  /**
   * Stops the child: SIGTERM, up to {@code grace} for it to exit, then SIGKILL to it and to every
   * descendant, and a short wait for them to go. Also reaps descendants of a child that has already
   * exited. Returns with the caller's interrupt status as it found it. Owner thread.
   *
   * @param grace how long the child may take to exit after SIGTERM
   */
  public void stop(Duration grace) {
    stop(process, grace);
  }

  /** {@link #stop(Duration)} for a process started elsewhere. */
  static void stop(Process process, Duration grace) {
    boolean interrupted = Thread.interrupted();
    List<ProcessHandle> tree = process.descendants().toList(); // before the parent can orphan them
    try {
      process.destroy();
      Duration wait =
          interrupted && grace.compareTo(INTERRUPTED_GRACE) > 0 ? INTERRUPTED_GRACE : grace;
      process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      List<ProcessHandle> killed = killTree(process.toHandle(), tree);
      awaitGone(killed);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Kills the child and its descendants at once (SIGKILL), without waiting: for another thread that
   * must unblock the owner (whose read of {@link #stdout()} then ends). Any thread.
   */
  public void kill() {
    killTree(process.toHandle(), process.descendants().toList());
  }

  private static List<ProcessHandle> killTree(ProcessHandle root, List<ProcessHandle> listed) {
    List<ProcessHandle> all = new ArrayList<>(listed);
    root.descendants().forEach(all::add); // any started since the list was made
    all.add(root);
    for (ProcessHandle each : all) {
      each.destroyForcibly(); // false for one already gone, which is fine
    }
    return all;
  }

  private static void awaitGone(List<ProcessHandle> processes) {
    long deadline = System.nanoTime() + AFTER_KILL.toNanos();
    boolean interrupted = Thread.interrupted();
    for (ProcessHandle each : processes) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        each.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // A process that does not go within seconds of SIGKILL is stuck in the kernel; move on.
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads stderr to its end, keeping a bounded tail; runs on the drain thread. */
  private void drain(Consumer<String> stderrLines) {
    try (Reader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      boolean cut = false;
      int c;
      while ((c = err.read()) >= 0) {
        if (c == '\n' || c == '\r') {
          keep(line.toString(), stderrLines);
          line.setLength(0);
          cut = false;
        } else if (line.length() < MAX_LINE_CHARS) {
          line.append((char) c);
        } else if (!cut) {
          line.append("...");
          cut = true;
        }
      }
      keep(line.toString(), stderrLines);
    } catch (IOException ignored) {
      // The child is gone; what it said so far is kept.
    }
  }

  private void keep(String line, Consumer<String> stderrLines) {
    if (line.isBlank()) {
      return;
    }
    if (stderrLines != null) {
      stderrLines.accept(line);
    }
    synchronized (tail) {
      tail.addLast(line.strip());
      while (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
    }
  }
}
