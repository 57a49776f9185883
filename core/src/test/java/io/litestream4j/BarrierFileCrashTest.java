package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.LocalFileLostTest.SwitchableClient;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash leaves when it hits between a checkpoint under SQLite's write barrier and the
 * publication of the L0 file written under it (Database#publishBarrierFiles): the database already
 * holds the transaction, its L0 file exists only as a partly written temp file. Start-up must
 * remove the temp file and bring the replica level with the database with a full file.
 */
class BarrierFileCrashTest {
  @TempDir Path dir;

  @Test
  void anUnpublishedBarrierFileIsDiscardedAndAFullFileCatchesTheReplicaUp() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path meta = dir.resolve("meta");
    SqliteCli sqlite = SqliteCli.create();
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a');");
    SwitchableClient client = new SwitchableClient(replica);
    ReplicationOptions options = ReplicationOptions.of(db, replica.toUri().toString())
        .withMetaDir(meta).withSyncInterval(Duration.ofMillis(50));
    long lost;
    ReplicationOptions crashing = options.withShutdownSync(Duration.ofMillis(100), Duration.ofMillis(50));
    try (Replication r = Replication.start(crashing, client)) {
      r.syncAndAwait(Duration.ofSeconds(30));
      client.down = true;
      sqlite.run(db, "INSERT INTO t (v) VALUES ('synced, never published');");
      r.sync();
      lost = r.position().txid();
    }
    Path file = new LocalLtxDir(meta).path(lost);
    Path temp = file.resolveSibling(file.getFileName() + ".0123456789abcdef.tmp");
    Files.write(temp, Arrays.copyOf(Files.readAllBytes(file), 120));
    Files.delete(file);

    try (Replication r = Replication.start(options, new SwitchableClient(replica))) {
      Await.until(() -> r.stats().fullL0Files().containsKey("divergence"), Duration.ofSeconds(60),
          "a full file replaced the lost one");
      assertThat(temp).as("the crash's temp file is removed").doesNotExist();
      sqlite.run(db, "INSERT INTO t (v) VALUES ('after');");
      r.syncAndAwait(Duration.ofSeconds(60));
      L0Restore.assertReplicaEquals(replica, db);
    }
  }
}
