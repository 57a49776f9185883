package io.litestream4j.restore;

import io.litestream4j.internal.FanOut;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * The download of a remote plan's streamed file (its largest), opened on a thread of its own while
 * the other files are staged: the merge then starts reading it as soon as staging ends instead of
 * sending one more request first (a round trip, and on a new connection a TLS handshake, per
 * restore).
 *
 * <p>Guarantees: the stream is handed out at most once ({@link #take}); if it never is, {@link
 * #close} waits for the opening to finish and closes what it opened, so no connection is left
 * behind whatever failed. Used by one thread (the restore's).
 */
final class EarlyStream implements AutoCloseable {
  static final String THREAD_NAME = "l4j-restore-open";

  private final FutureTask<InputStream> opening;
  private boolean taken;

  private EarlyStream(FutureTask<InputStream> opening) {
    this.opening = opening;
  }

  /** Starts {@code open} on a daemon thread named {@value #THREAD_NAME}. */
  static EarlyStream start(Callable<InputStream> open) {
    FutureTask<InputStream> task = new FutureTask<>(open);
    Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(task);
    return new EarlyStream(task);
  }

  /** The opened stream, waiting for the opening to finish; its failure is thrown here. */
  InputStream take() throws IOException {
    if (taken) {
      throw new IllegalStateException("the early stream was already taken");
    }
    taken = true;
    return await();
  }

  private InputStream await() throws IOException {
    try {
      return FanOut.await(opening, THREAD_NAME);
    } catch (InterruptedIOException e) {
      opening.cancel(true);
      throw e;
    }
  }

  /** Closes the stream unless it was taken; a failure to open or close is nobody's concern now. */
  @Override
  public void close() {
    if (taken) {
      return;
    }
    taken = true;
    try {
      await().close();
    } catch (IOException | RuntimeException e) {
      // The restore failed or finished without this stream; there is nothing left to report to.
    }
  }
}
