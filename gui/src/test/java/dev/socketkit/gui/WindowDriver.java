package dev.socketkit.gui;

import dev.socketkit.testkit.Await;
import java.awt.Color;
import java.awt.EventQueue;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.awt.event.WindowEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The end-to-end test's child program: opens the real {@link OnOffWindow} on the display in {@code
 * DISPLAY}, presses Space with {@link Robot} (a real key event through the X server to the focused
 * button), reads the label, closes the window, and reports each step as a line on stdout for {@link
 * OnOffWindowTest} to check. A step that does not happen in time prints {@code FAIL ...} and exits
 * with 1.
 *
 * <p>Usage: {@code WindowDriver HOST PORT}.
 */
final class WindowDriver {
  private static final Duration STEP_DEADLINE = Duration.ofSeconds(15);

  private WindowDriver() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress server =
        new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    AtomicReference<OnOffWindow> opened = new AtomicReference<>();
    EventQueue.invokeAndWait(() -> opened.set(OnOffWindow.open(server)));
    OnOffWindow window = opened.get();

    say("title " + onEdt(() -> window.frame().getTitle()));
    await("connected", () -> window.statusLabel().getText().startsWith("connected to "));
    say("status " + onEdt(() -> window.statusLabel().getText()));
    await("the button to have the keyboard focus", () -> window.button().isFocusOwner());
    say("focus on the button");
    say("button " + describeButton(window));

    Robot robot = new Robot();
    for (String expected : new String[] {"ON", "OFF"}) {
      robot.keyPress(KeyEvent.VK_SPACE);
      robot.keyRelease(KeyEvent.VK_SPACE);
      await("the label to show " + expected, () -> expected.equals(window.echoLabel().getText()));
      say("label " + onEdt(() -> window.echoLabel().getText()));
      say("button " + describeButton(window));
    }

    EventQueue.invokeAndWait(
        () ->
            window
                .frame()
                .dispatchEvent(new WindowEvent(window.frame(), WindowEvent.WINDOW_CLOSING)));
    if (!window.awaitClosed(STEP_DEADLINE)) {
      fail("the window did not close");
    }
    say("closed");
    say("socket " + (onEdt(() -> window.client().hasOpenSocket()) ? "open" : "closed"));
    System.exit(0);
  }

  private static String describeButton(OnOffWindow window) throws Exception {
    return onEdt(
        () -> {
          Color background = window.button().getBackground();
          String colour =
              background.equals(OnOffWindow.ON_COLOUR)
                  ? "on-colour"
                  : background.equals(OnOffWindow.OFF_COLOUR)
                      ? "off-colour"
                      : background.toString();
          return window.button().getText() + " " + colour;
        });
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    Await.until(STEP_DEADLINE, () -> onEdt(condition::getAsBoolean), () -> what);
  }

  private static <T> T onEdt(Callable<T> read) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    EventQueue.invokeAndWait(
        () -> {
          try {
            result.set(read.call());
          } catch (Exception e) {
            failure.set(e);
          }
        });
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void fail(String why) {
    say("FAIL " + why);
    System.exit(1);
  }
}
