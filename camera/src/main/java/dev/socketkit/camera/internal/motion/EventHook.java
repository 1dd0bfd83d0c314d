package dev.socketkit.camera.internal.motion;

import dev.socketkit.camera.internal.ChildProcess;
import dev.socketkit.camera.internal.CommandLineWords;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A program run when a motion event starts or ends ({@code --on-motion-start CMD}, {@code
 * --on-motion-end CMD}), with the event's details in its environment.
 *
 * <p>The command line is split into an argument list here (as Python's {@code shlex.split}), never
 * handed to a shell: quotes group words ({@code 'a b'}, {@code "a b"}) and a backslash escapes the
 * next character; nothing else is special, so an event can never inject a command. The program's
 * standard input is empty; its output goes where the camera's goes (the journal, under systemd),
 * stderr line by line. A program that runs past the timeout, or whose thread is interrupted, is
 * stopped: SIGTERM, then its whole process tree is killed after a grace period; a failure is logged
 * and never stops the camera. What a hook that exits in time leaves running is its own business.
 *
 * <p>{@link #run} blocks until the program exits or is killed: call it on a worker thread (as
 * {@link MotionEvents} does). Thread-safe (immutable).
 */
public final class EventHook {
  private static final System.Logger LOG = System.getLogger(EventHook.class.getName());

  /** How long a hook may take to exit after SIGTERM (at its timeout) before it is killed. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final List<String> command;
  private final Duration timeout;

  /**
   * A hook running {@code command}.
   *
   * @param command the program and its arguments (see {@link #split})
   * @param timeout how long it may run before it is killed
   * @throws IllegalArgumentException if the command is empty or the timeout is not positive
   */
  public EventHook(List<String> command, Duration timeout) {
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("command: " + command + " (expected: a program to run)");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  /** The program and its arguments. */
  public List<String> command() {
    return command;
  }

  /**
   * Splits a command line into words as Python's {@code shlex.split} does, without any expansion:
   * quotes group words, a backslash escapes the next character (in double quotes only {@code "} and
   * {@code \}).
   *
   * @throws IllegalArgumentException on an unclosed quote or a trailing backslash, with one
   *     sentence that quotes the line ({@code command has an unclosed ' quote: LINE})
   */
  public static List<String> split(String line) {
    try {
      return CommandLineWords.split(line);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("command " + e.getMessage() + ": " + line, e);
    }
  }

  /**
   * Runs the program with {@code environment} added to the camera's own, and waits for it.
   *
   * @return its exit code, or -1 if it could not be started or was killed at the timeout
   */
  public int run(Map<String, String> environment) {
    ChildProcess process;
    try {
      process =
          ChildProcess.start(
              command, environment, ProcessBuilder.Redirect.INHERIT, System.err::println);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "motion hook " + command.get(0) + " did not start: " + e.getMessage());
      return -1;
    }
    try {
      if (!process.waitFor(timeout)) {
        process.stop(GRACE);
        LOG.log(
            Level.WARNING,
            "motion hook " + command.get(0) + " ran longer than " + timeout + "; killed it");
        return -1;
      }
      int code = process.exitCode();
      if (code != 0) {
        LOG.log(Level.WARNING, "motion hook " + command.get(0) + " failed with exit code " + code);
      }
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop() keeps it set and gives the hook a short grace
      process.stop(GRACE);
      return -1;
    }
  }
}
