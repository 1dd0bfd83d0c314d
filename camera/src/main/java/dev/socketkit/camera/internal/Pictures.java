package dev.socketkit.camera.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Draws the built-in pictures with Java2D: the moving test pattern and the NO SIGNAL card.
 *
 * <p>Not thread-safe: one instance per drawing thread; the image is reused from frame to frame.
 */
public final class Pictures {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final Color[] BARS = {
    Color.WHITE, Color.YELLOW, Color.CYAN, Color.GREEN, Color.MAGENTA, Color.RED, Color.BLUE
  };

  private final int width;
  private final int height;
  private final BufferedImage image;

  /** Pictures of {@code width} x {@code height} pixels. */
  public Pictures(int width, int height) {
    this.width = width;
    this.height = height;
    // Bytes in the order ImageIO's JPEG writer reads them: it copies each row as it is, where from
    // TYPE_INT_RGB it converts pixel by pixel (about 1 ms of a 640x480 frame's 3 ms; drawing costs
    // a little more, 0.2-0.3 ms, the sum is still ~20 % less per frame).
    this.image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
  }

  /**
   * Draws test-pattern frame number {@code counter}: colour bars, a moving gradient and ball, a
   * sweeping bar, the time and the counter. Returns the reused image.
   */
  public BufferedImage testPattern(long counter, Instant now, String name) {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      double t = counter / 30.0;
      float shift = (float) ((t * 80) % (2 * width));
      g.setPaint(
          new GradientPaint(
              shift - width,
              0,
              new Color(20, 40, 90),
              shift,
              height,
              new Color(10, 110, 120),
              true));
      g.fillRect(0, 0, width, height);
      int barWidth = width / BARS.length;
      int barHeight = height / 6;
      for (int i = 0; i < BARS.length; i++) {
        g.setColor(BARS[i]);
        g.fillRect(i * barWidth, 0, barWidth, barHeight);
      }
      int sweep = (int) ((counter * 4) % width);
      g.setColor(new Color(255, 255, 255, 90));
      g.fillRect(sweep, barHeight, Math.max(4, width / 80), height - barHeight);
      int radius = Math.max(8, Math.min(width, height) / 10);
      int x = (int) (width / 2.0 + (width / 2.0 - radius) * Math.sin(t * 1.3)) - radius;
      int y =
          (int)
                  (barHeight
                      + (height - barHeight) / 2.0
                      + ((height - barHeight) / 2.0 - radius) * Math.cos(t * 1.7))
              - radius;
      g.setColor(new Color(255, 140, 0));
      g.fillOval(x, y, 2 * radius, 2 * radius);
      g.setStroke(new BasicStroke(3));
      g.setColor(Color.WHITE);
      g.drawOval(x, y, 2 * radius, 2 * radius);
      int fontSize = Math.max(10, height / 16);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, fontSize));
      String clock = CLOCK.format(now);
      String count = "frame " + counter;
      int textY = height - fontSize * 2 - fontSize / 2;
      g.setColor(new Color(0, 0, 0, 160));
      g.fillRect(0, textY - fontSize, width, fontSize * 3);
      g.setColor(Color.WHITE);
      g.drawString(clock, fontSize / 2, textY + fontSize / 4);
      g.drawString(count + "   " + name, fontSize / 2, textY + fontSize + fontSize / 2);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Draws the NO SIGNAL card: what happened, and when. Returns the reused image. */
  public BufferedImage noSignal(String reason, Instant now) {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(new Color(24, 24, 24));
      g.fillRect(0, 0, width, height);
      int big = Math.max(12, height / 8);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, big));
      g.setColor(new Color(230, 60, 60));
      centre(g, "NO SIGNAL", height / 2);
      int small = Math.max(9, height / 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, small));
      g.setColor(Color.LIGHT_GRAY);
      String shown = reason.length() > 90 ? reason.substring(0, 87) + "..." : reason;
      centre(g, shown, height / 2 + big);
      centre(g, CLOCK.format(now), height / 2 + big + small * 2);
    } finally {
      g.dispose();
    }
    return image;
  }

  private void centre(Graphics2D g, String text, int baseline) {
    FontMetrics metrics = g.getFontMetrics();
    g.drawString(text, Math.max(2, (width - metrics.stringWidth(text)) / 2), baseline);
  }
}
