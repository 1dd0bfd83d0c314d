package dev.socketkit.gui;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingConstants;
import javax.swing.Timer;
import javax.swing.WindowConstants;

/*
 * Design notes.
 *
 * tkinter's mainloop() dispatches window events only, so the lecture schedules handle() with
 * after(delay_time, handle) to look at the socket between them. Swing is the same: the
 * event-dispatch thread (EDT) runs the window, and a javax.swing.Timer fires handle() on the EDT
 * every DELAY. handle() polls with a zero timeout, so the EDT never waits on the network and no
 * other thread exists: the EDT owns the window, the model and the socket alike, and needs no locks.
 *
 * The window is a thin view: OnOffClient decides everything and returns a Screen, which show()
 * copies into the components.
 */

/**
 * The lecture's ON/OFF window (section 4) in Swing: a button that changes colour and text at each
 * click and sends {@code "ON"} or {@code "OFF"} to the echo server, a label with the server's last
 * echo, and a status line saying whether the client is connected, connecting or disconnected.
 *
 * <p>The lecture's program is three functions; here they are {@link #handle()} (run every {@link
 * #DELAY} by a {@link Timer}, as tkinter's {@code after(delay_time, handle)}), {@link
 * #buttonCommand()} (the button's action) and {@link #open(InetSocketAddress)} (the lecture's main:
 * makes the socket, builds the screen, calls {@code handle()}).
 *
 * <p>Threads: every method except {@link #awaitClosed()} runs on the event-dispatch thread, which
 * owns the window, the {@link OnOffClient} and its socket; nothing on it blocks. Lifecycle: closing
 * the window (or {@link #close()}) stops the timer, closes the socket and disposes the window.
 */
public final class OnOffWindow {
  /** How often {@link #handle()} polls the socket: the lecture's {@code delay_time}. */
  public static final Duration DELAY = Duration.ofMillis(50);

  /** The button's background when ON: dark green, white text (contrast 7:1). */
  static final Color ON_COLOUR = new Color(0x1B5E20);

  /** The button's background when OFF: dark grey, white text (contrast 10:1). */
  static final Color OFF_COLOUR = new Color(0x424242);

  private final OnOffClient client;
  private final JFrame frame;
  private final JButton button = new JButton();
  private final JLabel echo = new JLabel(" ", SwingConstants.CENTER);
  private final JLabel status = new JLabel(" ", SwingConstants.LEFT);
  private final JLabel notice = new JLabel(" ", SwingConstants.LEFT);
  private final Timer timer;
  private final CountDownLatch closed = new CountDownLatch(1);

  private OnOffWindow(InetSocketAddress server) {
    client = new OnOffClient(server);
    frame = new JFrame("socketkit ON/OFF — " + OnOffClient.hostPort(server));
    timer = new Timer((int) DELAY.toMillis(), event -> handle());
    buildScreen();
  }

  /**
   * The lecture's main: makes the client (its socket), builds the screen, shows it with the button
   * focused, and starts calling {@link #handle()} every {@link #DELAY}.
   *
   * @param server the echo server's address, already resolved (resolving may block)
   * @throws IllegalStateException if not called on the event-dispatch thread
   * @throws java.awt.HeadlessException if there is no display
   */
  public static OnOffWindow open(InetSocketAddress server) {
    if (!EventQueue.isDispatchThread()) {
      throw new IllegalStateException("OnOffWindow.open must run on the event-dispatch thread");
    }
    OnOffWindow window = new OnOffWindow(server);
    window.frame.setVisible(true);
    window.button.requestFocusInWindow();
    window.handle(); // as the lecture's main calls handle() once, which then re-arms itself
    window.timer.start();
    return window;
  }

  /** The lecture's {@code handle()}: polls the socket once and shows what it says. */
  void handle() {
    show(client.handle());
  }

  /** The lecture's {@code button_command()}: toggles, sends ON or OFF, and shows the result. */
  void buttonCommand() {
    show(client.buttonCommand());
  }

  /**
   * Stops polling, closes the socket and disposes the window; what closing the window does.
   * Idempotent; on the event-dispatch thread.
   */
  public void close() {
    timer.stop();
    client.close();
    frame.dispose();
    closed.countDown();
  }

  /** Waits until the window is closed; from any thread but the event-dispatch thread. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /** Waits at most {@code timeout} for the window to close; returns whether it did. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void buildScreen() {
    button.setFont(button.getFont().deriveFont(Font.BOLD, 32f));
    button.setForeground(Color.WHITE);
    button.setOpaque(true);
    button.setFocusPainted(true);
    button.setPreferredSize(new Dimension(220, 90));
    button.setAlignmentX(Component.CENTER_ALIGNMENT);
    button.setMaximumSize(button.getPreferredSize());
    button.getAccessibleContext().setAccessibleName("ON/OFF");
    button.getAccessibleContext().setAccessibleDescription("Sends ON or OFF to the echo server");
    button.addActionListener(event -> buttonCommand());

    JLabel caption = new JLabel("Echo from the server", SwingConstants.CENTER);
    caption.setAlignmentX(Component.CENTER_ALIGNMENT);
    caption.setLabelFor(echo);
    echo.setFont(echo.getFont().deriveFont(Font.BOLD, 24f));
    echo.setAlignmentX(Component.CENTER_ALIGNMENT);
    echo.getAccessibleContext().setAccessibleName("Echo from the server");

    JPanel centre = new JPanel();
    centre.setLayout(new BoxLayout(centre, BoxLayout.Y_AXIS));
    centre.setBorder(BorderFactory.createEmptyBorder(16, 24, 8, 24));
    centre.add(button);
    centre.add(Box.createVerticalStrut(16));
    centre.add(caption);
    centre.add(Box.createVerticalStrut(4));
    centre.add(echo);

    status.getAccessibleContext().setAccessibleName("Connection status");
    notice.getAccessibleContext().setAccessibleName("What happened to the last click");
    JPanel statusBar = new JPanel(new GridLayout(2, 1));
    statusBar.setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(1, 0, 0, 0, Color.GRAY),
            BorderFactory.createEmptyBorder(4, 8, 4, 8)));
    statusBar.add(status);
    statusBar.add(notice);

    frame.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
    frame.addWindowListener(
        new WindowAdapter() {
          @Override
          public void windowClosing(WindowEvent event) {
            close();
          }

          @Override
          public void windowOpened(WindowEvent event) {
            button.requestFocusInWindow();
          }
        });
    frame.getContentPane().add(centre, BorderLayout.CENTER);
    frame.getContentPane().add(statusBar, BorderLayout.SOUTH);
    show(client.screen());
    frame.setMinimumSize(new Dimension(480, 0));
    frame.pack();
    frame.setLocationRelativeTo(null);
  }

  /** Copies the model's screen into the components. */
  private void show(Screen screen) {
    button.setText(screen.buttonText());
    button.setBackground(screen.on() ? ON_COLOUR : OFF_COLOUR);
    echo.setText(screen.lastEcho().isEmpty() ? "—" : screen.lastEcho());
    status.setText(screen.status());
    status.setToolTipText(screen.status());
    notice.setText(screen.notice().isEmpty() ? " " : screen.notice());
    status.setForeground(
        screen.connection() == ConnectionState.CONNECTED ? new Color(0x1B5E20) : Color.DARK_GRAY);
  }

  // For the end-to-end test, which runs in this package under Xvfb.

  JFrame frame() {
    return frame;
  }

  OnOffClient client() {
    return client;
  }

  JButton button() {
    return button;
  }

  JLabel echoLabel() {
    return echo;
  }

  JLabel statusLabel() {
    return status;
  }

  JLabel noticeLabel() {
    return notice;
  }
}
