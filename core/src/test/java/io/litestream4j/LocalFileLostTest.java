package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.ForwardingReplicaClient;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local L0 file that the replica has not got yet disappears (deleted by an operator, lost with a
 * disk). The uploader cannot ship it; the database must re-base on the replica's newest state and
 * continue with a full file, so that the replica ends up equal to the database again.
 */
class LocalFileLostTest {
  @TempDir Path dir;

  /** Refuses uploads while {@link #down} is set. */
  static final class SwitchableClient extends ForwardingReplicaClient {
    volatile boolean down;

    SwitchableClient(Path root) {
      super(new FileReplicaClient(root));
    }

    @Override
    public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
        throws IOException {
      if (down) {
        throw new IOException("replica unreachable (test)");
      }
      return super.writeLtxFile(level, minTxid, maxTxid, data);
    }
  }

  @Test
  void aLostLocalFileRebasesTheDatabaseOnTheReplicaAndNothingIsMissing() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path meta = dir.resolve("meta");
    SqliteCli sqlite = SqliteCli.create();
    sqlite.run(
        db,
        "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a');");
    SwitchableClient client = new SwitchableClient(replica);
    ReplicationOptions options =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withMetaDir(meta)
            .withSyncInterval(Duration.ofMillis(50));
    try (Replication r = Replication.start(options, client)) {
      long uploaded = r.syncAndAwait(Duration.ofSeconds(30));

      client.down = true;
      for (int i = 0; i < 3; i++) {
        sqlite.run(db, "INSERT INTO t (v) VALUES ('pending " + i + "');");
        r.sync();
      }
      assertThat(r.position().txid())
          .as("local TXIDs beyond the replica")
          .isGreaterThan(uploaded + 1);
      Path lost = new LocalLtxDir(meta).path(uploaded + 1);
      assertThat(lost).exists();
      Files.delete(lost);
      client.down = false;

      Await.until(
          () -> r.stats().fullL0Files().containsKey("divergence"),
          Duration.ofSeconds(60),
          "the database re-based on the replica with a full file");
      sqlite.run(db, "INSERT INTO t (v) VALUES ('after');");
      long last = r.syncAndAwait(Duration.ofSeconds(60));
      assertThat(last).as("TXIDs continue the re-based state").isEqualTo(r.position().txid());
      assertThat(r.oldestUnreplicatedSince())
          .as("nothing left pending from before the re-base")
          .isEmpty();
      L0Restore.assertReplicaEquals(replica, db);
    }
  }
}
