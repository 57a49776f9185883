package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreOptions.IntegrityCheck;
import io.litestream4j.RestoreProgress;
import io.litestream4j.RestoreResult;
import io.litestream4j.restore.v3.V3Plan;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.restore.v3.V3Snapshot;
import io.litestream4j.restore.v3.V3WalSegment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore from Litestream 0.3 backups, as Litestream 0.3 does it: the LZ4-decompressed snapshot
 * becomes {@code <out>.tmp}; then each WAL index of the plan is reassembled from its segments
 * (which must continue each other byte for byte: a segment that does not end where the next one
 * starts means a segment is missing, and is an error naming it) into {@code <out>.tmp-wal} and
 * checkpointed into the database by SQLite ({@code wal_checkpoint(TRUNCATE)}), which validates
 * every frame's checksum and applies only committed transactions. The result gets at least a {@code
 * quick_check} (v0.3 backups carry no database checksums), then is renamed into place with the same
 * rules as every restore ({@link OutputFile}).
 */
public final class V3RestoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(V3RestoreJob.class);

  private V3RestoreJob() {}

  /** Restores {@code plan} from {@code client} as {@code options} say. */
  public static RestoreResult run(
      V3ReplicaClient client, String replica, RestoreOptions options, V3Plan plan)
      throws IOException {
    long started = System.nanoTime();
    OutputFile out = OutputFile.prepare(options.output(), options.force());
    Path wal = out.temp().resolveSibling(out.temp().getFileName() + "-wal");
    Path shm = out.temp().resolveSibling(out.temp().getFileName() + "-shm");
    try {
      Files.deleteIfExists(wal);
      Files.deleteIfExists(shm);
      int steps = 1 + plan.wal().size();
      options.progress().update(RestoreProgress.Phase.APPLY, 0, steps);
      V3Snapshot snapshot = plan.snapshot();
      Instant timestamp = snapshot.createdAt();
      try (FileChannel ch = out.openTemp();
          InputStream in = new LZ4FrameInputStream(client.openV3Snapshot(snapshot))) {
        copy(in, ch, snapshot.toString());
        ch.force(true);
      }
      int done = 1;
      for (List<V3WalSegment> index : plan.wal()) {
        try (FileChannel ch =
            FileChannel.open(
                wal,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
          for (int i = 0; i < index.size(); i++) {
            V3WalSegment seg = index.get(i);
            long written;
            try (InputStream in = new LZ4FrameInputStream(client.openV3WalSegment(seg))) {
              written = copy(in, ch, seg.toString());
            }
            if (i + 1 < index.size() && seg.offset() + written != index.get(i + 1).offset()) {
              V3WalSegment next = index.get(i + 1);
              throw new RestoreException(
                  Reason.GAP,
                  "missing WAL segment in Litestream v0.3 generation "
                      + seg.generation()
                      + " on "
                      + replica
                      + ": "
                      + seg.name()
                      + " ends at offset "
                      + Long.toHexString(seg.offset() + written)
                      + " but the next segment is "
                      + next.name());
            }
            if (seg.createdAt().isAfter(timestamp)) {
              timestamp = seg.createdAt();
            }
          }
          ch.force(true);
        }
        checkpoint(out.temp(), index.getFirst(), replica);
        Files.deleteIfExists(wal);
        Files.deleteIfExists(shm);
        options.progress().update(RestoreProgress.Phase.APPLY, ++done, steps);
      }
      IntegrityCheck check = options.integrityCheck().atLeast(IntegrityCheck.QUICK);
      SqliteCheck.require(
          out,
          check,
          "the database restored from the Litestream v0.3 backups on "
              + replica
              + " ("
              + plan
              + ")",
          options.progress());
      try (FileChannel ch = FileChannel.open(out.temp(), StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      out.publish();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      LOG.atInfo()
          .addKeyValue("db", out.path())
          .addKeyValue("replica", replica)
          .log("restored from Litestream v0.3 backups ({}) in {} ms", plan, took.toMillis());
      return new RestoreResult(out.path(), 0, timestamp, null, took, check, false);
    } catch (IOException | RuntimeException | Error e) {
      deleteQuietly(wal, e);
      deleteQuietly(shm, e);
      out.discard(e);
      throw e;
    }
  }

  /** Checkpoints the reassembled WAL of one index into the database, all of it. */
  private static void checkpoint(Path db, V3WalSegment index, String replica) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      r.next();
      if (r.getInt(1) != 0) {
        throw new IOException(
            "cannot checkpoint WAL index " + index.index() + " into " + db + ": database busy");
      }
    } catch (SQLException e) {
      throw new RestoreException(
          Reason.CORRUPT_REPLICA,
          "SQLite rejected WAL index "
              + io.litestream4j.restore.v3.V3Names.index(index.index())
              + " of Litestream v0.3 generation "
              + index.generation()
              + " on "
              + replica
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static long copy(InputStream in, FileChannel ch, String what) throws IOException {
    OutputStream os = Channels.newOutputStream(ch);
    try {
      return in.transferTo(os);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase().contains("lz4")
          || e.getClass().getName().contains("LZ4")) {
        throw new RestoreException(
            Reason.CORRUPT_REPLICA, what + " is not a valid LZ4 frame: " + e.getMessage(), e);
      }
      throw e;
    } catch (RuntimeException e) {
      throw new RestoreException(
          Reason.CORRUPT_REPLICA, what + " is not a valid LZ4 frame: " + e, e);
    }
  }

  private static void deleteQuietly(Path p, Throwable primary) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
