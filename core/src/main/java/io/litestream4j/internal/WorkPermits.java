package io.litestream4j.internal;

import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * Bounds how many databases of one process do blocking work (sync, upload, compaction, snapshot) at
 * the same time. Every database runs its loops on virtual threads, which cost nothing while they
 * wait; the work itself (file I/O, SQLite calls, which pin their carrier thread) is what needs
 * bounding, so that a thousand databases waking at once queue here instead of each growing the
 * carrier pool or starting a snapshot together (no thundering herd at start-up or on a shared
 * compaction boundary).
 *
 * <p>Waiting for a permit is fair (first come, first served) and uninterruptible; a permit is
 * released by closing it, so {@code try (var p = permits.acquire()) { ... }} can never leak one.
 */
public final class WorkPermits {
  private final Semaphore semaphore;
  private final int size;

  private WorkPermits(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("work permits must be >= 1, got " + size);
    }
    this.size = size;
    this.semaphore = new Semaphore(size, true);
  }

  /** {@code size} databases may work at the same time. */
  public static WorkPermits of(int size) {
    return new WorkPermits(size);
  }

  /** Effectively no bound: for a single database replicated on its own. */
  public static WorkPermits unbounded() {
    return new WorkPermits(Integer.MAX_VALUE / 2);
  }

  /** Permits for sync and upload work: a few per core, since most of it waits on the disk. */
  public static WorkPermits forSyncs() {
    return of(Math.clamp(4L * Runtime.getRuntime().availableProcessors(), 8, 64));
  }

  /**
   * Permits for compaction and snapshots: one per core, they are CPU- and I/O-heavy and never
   * urgent.
   */
  public static WorkPermits forStores() {
    return of(Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 16));
  }

  public int size() {
    return size;
  }

  /** Waits for a permit; close the returned permit to give it back. */
  public Permit acquire() {
    semaphore.acquireUninterruptibly();
    return new Permit(semaphore);
  }

  /** One acquired permit; closing it more than once releases it once. */
  public static final class Permit implements AutoCloseable {
    private @Nullable Semaphore owner;

    private Permit(Semaphore owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      Semaphore s = owner;
      owner = null;
      if (s != null) {
        s.release();
      }
    }
  }
}
