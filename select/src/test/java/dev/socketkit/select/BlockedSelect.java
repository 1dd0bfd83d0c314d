package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Await;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a select call on a thread of its own for tests that act on it "during" the call (close a
 * channel, connect, wake it up): they must first know that the call is blocked, not merely started.
 */
final class BlockedSelect {
  private BlockedSelect() {}

  /**
   * Starts {@code select} on a thread of its own and returns only once that thread is blocked in
   * the selector's wait: its stack is inside a {@code Selector}'s {@code doSelect} (the JDK's
   * implementations all wait there) and its top frame is the native wait. A test that acts "during"
   * the call must prove the call is blocked first; a thread that has merely started may not have
   * reached the wait yet, and the test would then exercise the before-the-call path instead.
   */
  static <T> CompletableFuture<T> start(Callable<T> select) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(select.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "select-under-test");
    thread.setDaemon(true);
    thread.start();
    Await.until(
        Duration.ofSeconds(10),
        () -> result.isDone() || waitingInSelector(thread.getStackTrace()),
        () ->
            "the select call to block; its thread is at "
                + Arrays.toString(thread.getStackTrace()));
    assertThat(result).as("the select call is still blocked").isNotDone();
    return result;
  }

  private static boolean waitingInSelector(StackTraceElement[] stack) {
    if (stack.length == 0 || !stack[0].isNativeMethod()) {
      return false;
    }
    for (StackTraceElement frame : stack) {
      if (frame.getMethodName().equals("doSelect")
          && frame.getClassName().startsWith("sun.nio.ch.")) {
        return true;
      }
    }
    return false;
  }
}
