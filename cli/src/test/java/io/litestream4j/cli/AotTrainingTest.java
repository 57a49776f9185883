package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training run: every command succeeds, and its restore of the shipped replica is right.
 */
class AotTrainingTest {
  @TempDir Path dir;

  @Test
  void everyTrainingCommandSucceedsAndTheRestoreHoldsTheReplicasRows() throws Exception {
    List<String> failed = AotTraining.run(dir, AotTraining.S3Restore.NONE);
    assertThat(failed).isEmpty();
    Path db = dir.resolve("restored.db");
    assertThat(rows(db)).containsExactly("one", "two", "three", "four");
    DbCompare.assertIntegrity(db);
    // -txid 3 stops before the fourth row.
    assertThat(rows(dir.resolve("txid.db"))).containsExactly("one", "two", "three");
    assertThat(dir.resolve("plan.db")).doesNotExist(); // -dry-run writes nothing
    Path large = dir.resolve("large.db");
    DbCompare.assertIntegrity(large);
    assertThat(java.nio.file.Files.size(large))
        .as("more than the 8 MiB after which a restore reads ahead and writes back early")
        .isGreaterThan(12L << 20);
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + large);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT count(*), sum(length(b)), max(b) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(3900);
      assertThat(rs.getLong(2)).isEqualTo(3900L * 4000);
      assertThat(rs.getBytes(3)).isEqualTo(new byte[4000]);
    }
  }

  @Test
  void theVersionTrainingSucceeds() {
    assertThat(AotTraining.runVersion()).isEmpty();
  }

  @Test
  void theS3TrainingRestoresTheReplicaFromTheTrainingServer() throws Exception {
    assertThat(AotTraining.run(dir, AotTraining.S3Restore.SDK)).isEmpty();
    Path db = dir.resolve("s3.db");
    assertThat(rows(db)).containsExactly("one", "two", "three", "four");
    DbCompare.assertIntegrity(db);
  }

  private static List<String> rows(Path db) throws Exception {
    assertThat(db).isRegularFile();
    List<String> out = new ArrayList<>();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
