package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions;
import io.litestream4j.Restorer;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.TmpfsMounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A restore onto a full file system says which path could not be written, and leaves nothing. */
class RestoreDiskFullTest {
  @TempDir Path dir;
  @RegisterExtension final TmpfsMounts tmpfs = new TmpfsMounts();

  @Test
  void diskFullDuringRestoreNamesThePath() throws Exception {
    Path target = tmpfs.mountOrSkip(dir.resolve("small"), "1m", "disk-full restore test skipped");
    Path db = dir.resolve("big.db");
    Path replica = dir.resolve("replica");
    RestoreFixtures.randomRows(db, 800);
    try (Replication r = Replication.start(ReplicationOptions.of(db, replica.toUri().toString()))) {
      r.syncAndAwait(Duration.ofSeconds(60));
    }
    Path out = target.resolve("restored.db");

    assertThatThrownBy(
            () -> new Restorer(new FileReplicaClient(replica)).restore(RestoreOptions.of(out)))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.OUTPUT_UNWRITABLE);
              assertThat(e.getMessage()).contains(out.toString(), "disk full");
            });
    try (var files = Files.list(target)) {
      assertThat(files.toList()).as("left behind").isEmpty();
    }
  }
}
