package io.litestream4j.store;

import io.litestream4j.db.Database;
import io.litestream4j.db.DatabaseSnapshot;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes level-9 snapshots {@code [1, txid]} of the live database to the replica.
 *
 * <p>Guarantees: the snapshot is exactly the database at {@code txid} (see {@link
 * DatabaseSnapshot}); it is streamed from the database file and WAL into the upload, so no copy of
 * the database is staged on local disk and SQLite's write lock is never taken; a snapshot is
 * skipped when the newest one on the replica already covers the database's position (an idle
 * database produces none), unless forced.
 */
final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  /** What a snapshot attempt did. */
  sealed interface Outcome {
    record Written(LtxFileInfo file) implements Outcome {}

    /** The newest snapshot already holds the database's current state. */
    record Unchanged(long txid) implements Outcome {}

    /** The database does not exist yet or is empty. */
    record NotReady() implements Outcome {}
  }

  private final Database database;
  private final ReplicaClient client;
  private final String name;
  private final AtomicReference<StreamPipe.Reader> inFlight;

  Snapshotter(
      Database database,
      ReplicaClient client,
      String name,
      AtomicReference<StreamPipe.Reader> inFlight) {
    this.database = database;
    this.client = client;
    this.name = name;
    this.inFlight = inFlight;
  }

  Outcome snapshot(boolean force) throws IOException {
    long newest = LevelFiles.maxTxid(client.ltxFiles(LtxFileInfo.SNAPSHOT_LEVEL, 1));
    long position = database.sync().txid();
    if (position == 0) {
      return new Outcome.NotReady();
    }
    if (!force && newest >= position) {
      return new Outcome.Unchanged(newest);
    }
    Optional<DatabaseSnapshot> opened = database.openSnapshot();
    if (opened.isEmpty()) {
      return new Outcome.NotReady();
    }
    try (DatabaseSnapshot snapshot = opened.get()) {
      if (!force && newest >= snapshot.txid()) {
        return new Outcome.Unchanged(newest);
      }
      long txid = snapshot.txid();
      StreamPipe.Reader in = StreamPipe.start("l4j-snapshot-" + name, snapshot::writeTo);
      inFlight.set(in);
      try (in) {
        LtxFileInfo info = client.writeLtxFile(LtxFileInfo.SNAPSHOT_LEVEL, 1, txid, in);
        in.finish();
        LOG.atInfo()
            .addKeyValue("db", name)
            .addKeyValue("txid", io.litestream4j.ltx.Txid.format(txid))
            .log(
                "snapshot L9/{} written ({} pages, {} bytes)",
                info.name(),
                snapshot.commit(),
                info.size());
        return new Outcome.Written(info);
      } catch (IOException e) {
        throw new IOException(
            "snapshot of " + name + " at TXID " + Txid.format(txid) + " failed: " + e.getMessage(),
            e);
      } finally {
        inFlight.set(null);
      }
    }
  }
}
