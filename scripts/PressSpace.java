import java.awt.Robot;
import java.awt.event.KeyEvent;

/**
 * Presses and releases Space once on the X display named by DISPLAY: the screenshot script's
 * "click" (the gui-client's button has the keyboard focus, and Space toggles it). Run as a
 * single-file program: {@code java scripts/PressSpace.java}.
 */
public final class PressSpace {
  public static void main(String[] args) throws Exception {
    Robot robot = new Robot();
    robot.keyPress(KeyEvent.VK_SPACE);
    robot.keyRelease(KeyEvent.VK_SPACE);
    robot.waitForIdle();
  }
}
