package io.litestream4j.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs one blocking I/O task per item on a bounded number of named threads and gathers the results
 * in the items' order: the one way the replicator parallelises downloads and metadata requests. The
 * first failure (in item order) is thrown as the task threw it, and the remaining tasks are
 * interrupted; the call returns only once every thread has stopped, or after a minute for a backend
 * read that ignores interrupts (the threads are daemons and are then left behind).
 */
public final class FanOut {
  private FanOut() {}

  /** A task that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface IoTask<T, R> {
    R apply(T item) throws IOException;
  }

  /**
   * @param parallelism most tasks running at once; 1 (or a single item) runs on the caller's thread
   * @param threadName prefix of the worker threads' names; a counter is appended
   */
  public static <T, R> List<R> map(
      List<T> items, int parallelism, String threadName, IoTask<T, R> task) throws IOException {
    if (parallelism <= 1 || items.size() <= 1) {
      List<R> results = new ArrayList<>(items.size());
      for (T item : items) {
        results.add(task.apply(item));
      }
      return results;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, items.size()),
            Thread.ofPlatform().name(threadName, 1).daemon(true).factory());
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> task.apply(item)));
      }
      List<R> results = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        results.add(await(f, threadName));
      }
      return results;
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The result of {@code future}, its failure rethrown as it was (an {@link IOException}, a runtime
   * exception or an error; anything else wrapped), an interrupt as {@link InterruptedIOException}.
   */
  public static <R> R await(Future<R> future, String what) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + what + " tasks");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(what + " task failed: " + cause, cause);
    }
  }
}
