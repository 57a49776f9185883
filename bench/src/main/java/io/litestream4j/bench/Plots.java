package io.litestream4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The two pictures of a run, drawn with plain Java2D (headless) so the harness needs no charting
 * library: the lag distribution as cumulative curves on a log time axis, and restore time against
 * database size on log-log axes with min–max whiskers.
 */
final class Plots {
  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TITLE = 50;
  private static final int LEGEND_LINE = 18;
  private static final int BOTTOM = 70;
  private static final Color[] COLORS = {
    new Color(0xd62728),
    new Color(0x1f77b4),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
  };

  private Plots() {}

  /**
   * A point with its spread over runs: {@code y} is the median, the whisker spans {@code
   * yMin..yMax}.
   */
  record Point(double x, double y, double yMin, double yMax) {}

  /** Log-scaled or linear mapping of a value range onto a pixel range. */
  private record Axis(double min, double max, boolean log, int from, int to) {
    int px(double v) {
      double f =
          log
              ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
              : (v - min) / (max - min);
      return (int) Math.round(from + f * (to - from));
    }

    List<Double> ticks() {
      List<Double> t = new ArrayList<>();
      if (log) {
        for (double d = min; d <= max * 1.0001; d *= 10) {
          t.add(d);
        }
      } else {
        double step = niceStep((max - min) / 5);
        for (double v = Math.ceil(min / step) * step; v <= max + step / 1000; v += step) {
          t.add(v);
        }
      }
      return t;
    }

    static Axis logOf(double lo, double hi, int from, int to) {
      double a = Math.pow(10, Math.floor(Math.log10(Math.max(lo, 1e-3))));
      double b = Math.pow(10, Math.ceil(Math.log10(Math.max(hi, a * 10))));
      return new Axis(a, b, true, from, to);
    }
  }

  private static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
  }

  /** Cumulative distribution of each series (values > 0, log x axis); y is the share of samples. */
  static void cdf(Path out, String title, String xLabel, Map<String, double[]> series)
      throws IOException {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (double[] v : series.values()) {
      for (double x : v) {
        if (x > 0) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
    if (hi == 0) {
      lo = 1;
      hi = 10;
    }
    int top = TITLE + LEGEND_LINE * series.size();
    Axis x = Axis.logOf(lo, hi, LEFT, W - RIGHT);
    Axis y = new Axis(0, 100, false, H - BOTTOM, top);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title, xLabel, "rows replicated within x (%)", x, y, top);
    int i = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] v = Arrays.stream(e.getValue()).map(d -> Math.max(d, x.min())).sorted().toArray();
      g.setColor(COLORS[i % COLORS.length]);
      g.setStroke(new BasicStroke(2.2f));
      int px = x.px(x.min());
      int py = y.px(0);
      for (int k = 0; k < v.length; k++) {
        int nx = x.px(v[k]);
        int ny = y.px(100.0 * (k + 1) / v.length);
        g.drawLine(px, py, nx, py);
        g.drawLine(nx, py, nx, ny);
        px = nx;
        py = ny;
      }
      legend(g, i, e.getKey() + String.format(" (n=%d)", v.length));
      i++;
    }
    g.setColor(Color.GRAY);
    g.setStroke(
        new BasicStroke(
            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4, 4}, 0));
    for (double q : new double[] {50, 99}) {
      g.drawLine(LEFT, y.px(q), W - RIGHT, y.px(q));
      g.drawString("p" + (int) q, LEFT + 4, y.px(q) + 14);
    }
    write(img, g, out);
  }

  /** Lines of median points with min–max whiskers on log-log axes. */
  static void logLog(
      Path out, String title, String xLabel, String yLabel, Map<String, List<Point>> series)
      throws IOException {
    double xlo = Double.MAX_VALUE;
    double xhi = 0;
    double ylo = Double.MAX_VALUE;
    double yhi = 0;
    for (List<Point> ps : series.values()) {
      for (Point p : ps) {
        xlo = Math.min(xlo, p.x());
        xhi = Math.max(xhi, p.x());
        ylo = Math.min(ylo, p.yMin());
        yhi = Math.max(yhi, p.yMax());
      }
    }
    if (xhi == 0) {
      xlo = ylo = 1;
      xhi = yhi = 10;
    }
    int top = TITLE + LEGEND_LINE * series.size();
    Axis x = Axis.logOf(xlo, xhi, LEFT, W - RIGHT);
    Axis y = Axis.logOf(ylo, yhi, H - BOTTOM, top);
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title, xLabel, yLabel, x, y, top);
    int i = 0;
    for (Map.Entry<String, List<Point>> e : series.entrySet()) {
      g.setColor(COLORS[i % COLORS.length]);
      g.setStroke(new BasicStroke(2.2f));
      List<Point> ps =
          e.getValue().stream().sorted((a, b) -> Double.compare(a.x(), b.x())).toList();
      for (int k = 0; k < ps.size(); k++) {
        Point p = ps.get(k);
        int px = x.px(p.x()) + (i - 1) * 4; // small offset so whiskers of equal x do not overlap
        g.drawLine(px, y.px(p.yMin()), px, y.px(p.yMax()));
        g.fillOval(px - 4, y.px(p.y()) - 4, 8, 8);
        if (k > 0) {
          Point q = ps.get(k - 1);
          g.drawLine(x.px(q.x()) + (i - 1) * 4, y.px(q.y()), px, y.px(p.y()));
        }
      }
      legend(g, i, e.getKey());
      i++;
    }
    write(img, g, out);
  }

  private static Graphics2D canvas(
      BufferedImage img, String title, String xLabel, String yLabel, Axis x, Axis y, int top) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (double t : x.ticks()) {
      int px = x.px(t);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(px, top, px, H - BOTTOM);
      g.setColor(Color.BLACK);
      String s = label(t);
      g.drawString(s, px - fm.stringWidth(s) / 2, H - BOTTOM + 18);
    }
    for (double t : y.ticks()) {
      int py = y.px(t);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(LEFT, py, W - RIGHT, py);
      g.setColor(Color.BLACK);
      String s = label(t);
      g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + 4);
    }
    g.drawRect(LEFT, top, W - LEFT - RIGHT, H - top - BOTTOM);
    g.drawString(xLabel, LEFT + (W - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, H - BOTTOM + 42);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    r.drawString(yLabel, -(top + (H - top - BOTTOM + fm.stringWidth(yLabel)) / 2), 22);
    r.dispose();
    return g;
  }

  private static String label(double v) {
    if (v >= 1 && v == Math.rint(v)) {
      return String.format("%,d", (long) v);
    }
    return String.format("%s", Double.toString(v).replaceAll("0+$", ""));
  }

  /** Legend entry {@code i}, in the band between the title and the plot. */
  private static void legend(Graphics2D g, int i, String text) {
    int lx = LEFT;
    int ly = TITLE + i * LEGEND_LINE;
    g.fillRect(lx, ly - 9, 14, 10);
    g.setColor(Color.BLACK);
    g.drawString(text, lx + 20, ly);
  }

  private static void write(BufferedImage img, Graphics2D g, Path out) throws IOException {
    g.dispose();
    if (!ImageIO.write(img, "png", out.toFile())) {
      throw new IOException("no PNG writer available to write " + out);
    }
  }
}
