package io.litestream4j.cli;

import io.litestream4j.RestoreProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A one-line progress bar on a terminal for restores that take more than a moment: nothing is drawn
 * during the first second (quick restores stay silent), then the line is redrawn at most ten times
 * a second, e.g. {@code download [#########-----------] 45% 12 MB / 27 MB}. Thread-safe, as {@link
 * RestoreProgress} requires.
 */
final class ProgressBar implements RestoreProgress {
  private static final long DELAY_NANOS = 1_000_000_000L;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final @Nullable PrintStream out; // null: not a terminal, draw nothing
  private final LongSupplier nanoClock;
  private final long start;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(@Nullable PrintStream out, LongSupplier nanoClock) {
    this.out = out;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
  }

  /** A bar on stderr when the process runs on a terminal, otherwise one that draws nothing. */
  static ProgressBar forTerminal() {
    return new ProgressBar(Terminal.isInteractive() ? System.err : null, System::nanoTime);
  }

  @Override
  public synchronized void update(Phase phase, long done, long total) {
    if (out == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (now - start < DELAY_NANOS || (drawn && now - lastDraw < REDRAW_NANOS && done < total)) {
      return;
    }
    lastDraw = now;
    drawn = true;
    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    int filled = percent * WIDTH / 100;
    out.print(
        String.format(
            Locale.ROOT,
            "\r%-8s [%s%s] %3d%%  %s / %s   ",
            phase.name().toLowerCase(Locale.ROOT),
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            percent,
            HumanBytes.format(done),
            HumanBytes.format(total)));
    out.flush();
  }

  /** Ends the bar's line, if one was drawn, so later output starts on a fresh line. */
  synchronized void finish() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }
}
