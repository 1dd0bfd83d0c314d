package dev.socketkit.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws throughput against connections as a PNG, one panel per message size and one line per
 * server, with Java2D (no plotting package needed on the machine).
 *
 * <pre>{@code java -cp bench.jar dev.socketkit.bench.Chart results.tsv docs/benchmarks.png}</pre>
 *
 * <p>The input is tab-separated with a header line: {@code size peer connections value}; rows with
 * the same size and peer form one line. The x axis is logarithmic (100, 1,000, 10,000).
 */
public final class Chart {
  private static final int PANEL_WIDTH = 560;
  private static final int HEIGHT = 460;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 150;
  private static final Color[] COLORS = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf),
  };

  private Chart() {}

  /** {@code Chart INPUT.tsv OUTPUT.png}: reads the table and writes the chart. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Chart INPUT.tsv OUTPUT.png");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    // size -> peer -> connections -> value
    Map<String, Map<String, NavigableMap<Double, Double>>> panels = new LinkedHashMap<>();
    List<String> peers = new ArrayList<>();
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\t", -1);
      if (cells.length < 4) {
        continue;
      }
      if (!peers.contains(cells[1])) {
        peers.add(cells[1]);
      }
      panels
          .computeIfAbsent(cells[0], k -> new LinkedHashMap<>())
          .computeIfAbsent(cells[1], k -> new TreeMap<>())
          .put(Double.parseDouble(cells[2]), Double.parseDouble(cells[3]));
    }
    BufferedImage image =
        new BufferedImage(
            PANEL_WIDTH * Math.max(1, panels.size()), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    int x0 = 0;
    for (Map.Entry<String, Map<String, NavigableMap<Double, Double>>> panel : panels.entrySet()) {
      drawPanel(g, x0, panel.getKey(), panel.getValue(), peers);
      x0 += PANEL_WIDTH;
    }
    g.dispose();
    ImageIO.write(image, "png", Path.of(args[1]).toFile());
  }

  private static void drawPanel(
      Graphics2D g,
      int x0,
      String size,
      Map<String, NavigableMap<Double, Double>> series,
      List<String> peers) {
    TreeSet<Double> xs = new TreeSet<>();
    double max = 0;
    for (NavigableMap<Double, Double> points : series.values()) {
      xs.addAll(points.keySet());
      for (double v : points.values()) {
        max = Math.max(max, v);
      }
    }
    if (xs.isEmpty()) {
      return;
    }
    double top = niceCeiling(max);
    double logMin = Math.log10(xs.first());
    double logMax = Math.log10(xs.last());
    if (logMax - logMin < 1e-9) {
      logMin -= 0.5;
      logMax += 0.5;
    }
    int plotLeft = x0 + LEFT;
    int plotRight = x0 + PANEL_WIDTH - RIGHT;
    int plotTop = TOP;
    int plotBottom = HEIGHT - BOTTOM;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    g.drawString("Echo round trips/s, " + size + " messages", plotLeft, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) {
      double v = top * i / 5;
      int y = plotBottom - (int) Math.round((plotBottom - plotTop) * (v / top));
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(plotLeft, y, plotRight, y);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%,.0f", v);
      g.drawString(label, plotLeft - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    for (double x : xs) {
      int px = xPixel(x, logMin, logMax, plotLeft, plotRight);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%,.0f", x);
      g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, plotBottom + 18);
    }
    g.drawString("connections (log scale)", (plotLeft + plotRight) / 2 - 60, plotBottom + 36);
    g.setColor(Color.BLACK);
    g.drawRect(plotLeft, plotTop, plotRight - plotLeft, plotBottom - plotTop);
    int legendY = plotBottom + 58;
    int legendX = plotLeft;
    for (String peer : peers) {
      NavigableMap<Double, Double> points = series.get(peer);
      if (points == null) {
        continue;
      }
      Color color = COLORS[peers.indexOf(peer) % COLORS.length];
      g.setColor(color);
      g.setStroke(new BasicStroke(2.2f));
      int lastX = -1;
      int lastY = -1;
      for (Map.Entry<Double, Double> point : points.entrySet()) {
        int px = xPixel(point.getKey(), logMin, logMax, plotLeft, plotRight);
        int py = plotBottom - (int) Math.round((plotBottom - plotTop) * (point.getValue() / top));
        g.fillOval(px - 4, py - 4, 8, 8);
        if (lastX >= 0) {
          g.drawLine(lastX, lastY, px, py);
        }
        lastX = px;
        lastY = py;
      }
      g.setStroke(new BasicStroke(1f));
      g.fillRect(legendX, legendY - 9, 12, 10);
      g.setColor(Color.BLACK);
      g.drawString(peer, legendX + 16, legendY);
      legendX += 230;
      if (legendX > plotRight - 220) {
        legendX = plotLeft;
        legendY += 18;
      }
    }
  }

  private static int xPixel(double x, double logMin, double logMax, int left, int right) {
    double margin = 0.08 * (right - left);
    double span = right - left - 2 * margin;
    return (int) Math.round(left + margin + span * (Math.log10(x) - logMin) / (logMax - logMin));
  }

  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
