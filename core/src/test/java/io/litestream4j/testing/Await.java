package io.litestream4j.testing;

import java.time.Duration;

/** Waits for a condition with a deadline, instead of sleeping and hoping. */
public final class Await {
  private Await() {}

  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  public static void until(Condition condition, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
