package io.litestream4j.db;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitors' safety-net polls of idle databases, made from one platform thread for every
 * database of a process. A monitor that waited for its interval on its own virtual thread woke
 * every second per database: at 1000 idle databases that was 1000 virtual-thread wake-ups a second,
 * each a few hand-offs between the scheduler's threads and a new stack chunk on the heap (measured:
 * 6 % of a core and ~1.6 MiB/s of garbage at 1000; 0.9 ms of CPU a second for one database). Here a
 * database's check runs on this thread, and its monitor is only woken when the check finds a
 * change.
 *
 * <p>Guarantees: each registered {@link Poll} is checked no earlier than its interval after it was
 * registered or {@linkplain Poll#postpone() postponed}, and at most {@link #GRAIN} later (due
 * checks are gathered so that many databases cost a few wake-ups a second, not one each); {@code
 * onChange} is called, on this thread, only when the check returned true, and then the poll is
 * suspended until the next {@link Poll#postpone()}. Nothing is checked after {@link Poll#cancel()}
 * or {@link #close()}.
 */
public final class IdlePoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdlePoller.class);

  /**
   * How much later than due a check may run (at most a quarter of its interval), so that the checks
   * of many databases are made together.
   */
  static final long GRAIN = Duration.ofMillis(50).toNanos();

  private static final long SUSPENDED = Long.MAX_VALUE;

  /** {@link #sleepingUntil} while the thread looks at the polls. */
  private static final long SCANNING = Long.MIN_VALUE;

  private final Set<Poll> polls = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();

  /**
   * When the thread wakes next (nanoTime): {@link #SUSPENDED} when no poll is due, {@link
   * #SCANNING} while it is not asleep.
   */
  private volatile long sleepingUntil = SCANNING;

  /** A poll was postponed to before {@link #sleepingUntil}; guarded by {@link #lock}. */
  private boolean rescan;

  private volatile boolean closed;

  public IdlePoller() {
    Thread.ofPlatform().name("l4j-poll").daemon(true).start(this::run);
  }

  /** One database's poll: {@code check} every {@code interval} while the database is idle. */
  public final class Poll {
    private final long intervalNanos;
    private final long slackNanos;
    private final BooleanSupplier check;
    private final Runnable onChange;

    /** When to check next (nanoTime); {@link #SUSPENDED} while suspended. */
    private final AtomicLong due = new AtomicLong(SUSPENDED);

    private Poll(Duration interval, BooleanSupplier check, Runnable onChange) {
      this.intervalNanos = interval.toNanos();
      this.slackNanos = Math.min(GRAIN, intervalNanos / 4);
      this.check = check;
      this.onChange = onChange;
    }

    /** Checks again one interval from now (the database was just looked at). */
    public void postpone() {
      long at = System.nanoTime() + intervalNanos;
      due.set(at);
      long sleeping = sleepingUntil;
      if (sleeping == SUSPENDED || sleeping == SCANNING || at + slackNanos - sleeping < 0) {
        lock.lock();
        try {
          rescan = true;
          wake.signal();
        } finally {
          lock.unlock();
        }
      }
    }

    /** No more checks. */
    public void cancel() {
      due.set(SUSPENDED);
      polls.remove(this);
    }
  }

  /**
   * Registers a poll, suspended until its first {@link Poll#postpone()}.
   *
   * @param interval time between checks; must be positive
   * @param check true when the database changed; called on the poller's thread
   * @param onChange called on the poller's thread when {@code check} returned true
   */
  public Poll register(Duration interval, BooleanSupplier check, Runnable onChange) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + interval);
    }
    if (closed) {
      throw new IllegalStateException("idle poller is closed");
    }
    Poll p =
        new Poll(
            interval,
            Objects.requireNonNull(check, "check"),
            Objects.requireNonNull(onChange, "onChange"));
    polls.add(p);
    return p;
  }

  /** Number of registered polls, for tests. */
  int size() {
    return polls.size();
  }

  private void run() {
    while (!closed) {
      sleepingUntil = SCANNING;
      long next = SUSPENDED;
      for (Poll p : polls) {
        long due = p.due.get();
        if (due == SUSPENDED) {
          continue;
        }
        if (due - System.nanoTime() <= 0) {
          due = checkNow(p, due);
          if (due == SUSPENDED) {
            continue;
          }
        }
        long wakeAt = due + p.slackNanos;
        if (next == SUSPENDED || wakeAt - next < 0) {
          next = wakeAt;
        }
      }
      lock.lock();
      try {
        if (closed) {
          return;
        }
        if (rescan) {
          rescan = false;
          continue;
        }
        sleepingUntil = next;
        if (next == SUSPENDED) {
          wake.await();
        } else {
          long left = next - System.nanoTime();
          if (left > 0) {
            wake.awaitNanos(left);
          }
        }
        rescan = false; // the next round looks at every poll anyway
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Checks one due poll.
   *
   * @param due when it was due
   * @return when it is due next ({@link #SUSPENDED}: until its monitor postpones it)
   */
  private long checkNow(Poll p, long due) {
    boolean found;
    try {
      found = p.check.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("idle poll failed", e);
      found = true; // the monitor's sync reports what is wrong
    }
    long next = found ? SUSPENDED : System.nanoTime() + p.intervalNanos;
    if (!p.due.compareAndSet(due, next)) {
      return p.due.get(); // postponed or cancelled meanwhile: the monitor is awake
    }
    if (found) {
      try {
        p.onChange.run();
      } catch (RuntimeException e) {
        LOG.warn("idle poll callback failed", e);
      }
    }
    return next;
  }

  @Override
  public void close() {
    closed = true;
    polls.clear();
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
