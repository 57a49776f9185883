package io.litestream4j;

import io.litestream4j.db.ChangeNotifier;
import io.litestream4j.db.IdlePoller;
import io.litestream4j.internal.WorkPermits;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the databases of one {@link Replicator} share so that a process's threads do not grow with
 * the number of databases: one file-change watcher, one thread for the idle databases' polls, and
 * the permits that bound how many databases sync/upload and compact/snapshot at the same time.
 *
 * @param notifier the one file-change watcher thread
 * @param poller the one thread that polls idle databases; null: each monitor polls on its own (a
 *     database replicated alone, where the poller's thread would be one more thread for one
 *     database)
 * @param syncs permits for syncs and uploads
 * @param stores permits for compaction, snapshots and retention
 */
record SharedResources(
    ChangeNotifier notifier, @Nullable IdlePoller poller, WorkPermits syncs, WorkPermits stores) {

  SharedResources {
    Objects.requireNonNull(notifier, "notifier");
    Objects.requireNonNull(syncs, "syncs");
    Objects.requireNonNull(stores, "stores");
  }

  /** For a database replicated on its own: nothing to queue behind. */
  static SharedResources alone(ChangeNotifier notifier) {
    return new SharedResources(notifier, null, WorkPermits.unbounded(), WorkPermits.unbounded());
  }

  /** For many databases in one process. */
  static SharedResources many(ChangeNotifier notifier) {
    return new SharedResources(
        notifier, new IdlePoller(), WorkPermits.forSyncs(), WorkPermits.forStores());
  }
}
