package io.litestream4j.cli;

import io.litestream4j.Follower;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where SIGINT/SIGTERM go during a command that writes a database or a snapshot of one ({@code
 * restore}, {@code ltx-file apply}, {@code ltx-file encode-db}). While it runs (the one-shot
 * restore, the initial restore of {@code -f}, an apply) the first signal interrupts the thread
 * running it: the restore stops at its next read, write or wait and removes its partial copy, where
 * the JVM's default would exit at once and leave it behind. Once a follower runs, the first signal
 * stops the follower instead (a normal end, exit code 0). A second signal exits at once, without
 * waiting. {@link #close} puts the previous handlers back.
 *
 * <p>Installed before the restore creates any file, so no signal finds a partial copy unguarded;
 * not installed for a restore run inside the daemon ({@link DaemonScope}), whose signals stay the
 * daemon's.
 */
final class RestoreSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreSignals.class);

  private final Signals signals = new Signals();
  private final String command;
  private final Thread restoring;
  private final Path output;
  private @Nullable Follower follower; // guarded by this

  private RestoreSignals(String command, Thread restoring, Path output) {
    this.command = command;
    this.restoring = restoring;
    this.output = output;
  }

  /**
   * Handles signals from now on for {@code command} (e.g. "restore"), which writes {@code output}
   * on the calling thread.
   */
  static RestoreSignals install(String command, Path output) {
    RestoreSignals s = new RestoreSignals(command, Thread.currentThread(), output);
    if (DaemonScope.inside()) {
      return s; // the daemon's handlers stay; its shutdown ends the restore with the process
    }
    s.signals.install(
        n -> {
          if (n == 1) {
            s.first();
          } else {
            LOG.warn("second signal received, exiting without waiting for the {} to stop", command);
            System.exit(1);
          }
        });
    return s;
  }

  private synchronized void first() {
    if (follower != null) {
      stop(follower);
      return;
    }
    LOG.warn(
        "{} received, stopping the {} and removing its partial copy; press Ctrl+C again to exit"
            + " at once",
        signals.last(),
        command);
    restoring.interrupt();
  }

  /**
   * From now on the first signal stops {@code f}; if a signal arrived while it was starting, it is
   * stopped at once (and the interrupt meant for its start is cleared).
   */
  synchronized void following(Follower f) {
    follower = f;
    if (signals.received() > 0) {
      Thread.interrupted();
      stop(f);
    }
  }

  /** Puts the handlers that were there before back (the restore or the follower has ended). */
  @Override
  public void close() {
    signals.uninstall();
    if (signals.received() > 0 && Thread.currentThread() == restoring) {
      Thread.interrupted(); // a signal that came too late to stop anything: nothing left to do
    }
  }

  /** The name of the last signal received, or "" if none. */
  String last() {
    return signals.last();
  }

  /**
   * {@code failure} as it is, or, if a signal stopped the restore, an error saying so (with the
   * restore's own failure attached).
   */
  Exception explain(Exception failure) {
    if (signals.received() == 0) {
      return failure;
    }
    Thread.interrupted(); // the interrupt was ours and has done its job
    IOException stopped =
        new IOException(
            command
                + " of "
                + output
                + " stopped by "
                + signals.last()
                + " before it finished; its partial copy was removed");
    stopped.addSuppressed(failure);
    return stopped;
  }

  private void stop(Follower f) {
    try {
      f.close();
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("db", output).log("closing the follower: {}", e.getMessage());
    }
  }
}
