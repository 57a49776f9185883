package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.Restorer;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.Litestream03;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Litestream 0.3.13 replicating to S3 (s3proxy on loopback) while the application writes and
 * checkpoints; litestream4j restores the latest state from the {@code generations/} keys and it
 * equals the source. Skipped with a message when npm cannot install Litestream 0.3.13.
 */
class S3V3RestoreTest {
  @TempDir Path dir;

  @Test
  void restoresWhatLitestream03WroteToS3() throws Exception {
    Optional<Path> bin = Litestream03.binary();
    Assumptions.assumeTrue(
        bin.isPresent(), "Litestream 0.3.13 (npm @flydotio/litestream-linux-x64) unavailable");
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("v3bucket");
      Path db = dir.resolve("app.db");
      Path config = dir.resolve("litestream.yml");
      Files.writeString(
          config,
          """
          access-key-id: %s
          secret-access-key: %s
          dbs:
            - path: %s
              monitor-interval: 100ms
              checkpoint-interval: 1s
              min-checkpoint-page-count: 4
              replicas:
                - type: s3
                  bucket: v3bucket
                  path: app
                  endpoint: %s
                  region: us-east-1
                  force-path-style: true
                  sync-interval: 100ms
          """
              .formatted(
                  S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, db, server.endpoint()));
      Path log = dir.resolve("litestream.log");
      try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, pad BLOB)");
        Process ls =
            new ProcessBuilder(bin.get().toString(), "replicate", "-config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
          for (int i = 1; i <= 60; i++) {
            st.execute(
                "INSERT INTO t VALUES ("
                    + i
                    + ", 'row "
                    + i
                    + "', randomblob("
                    + (i % 7 == 0 ? 5000 : 200)
                    + "))");
            if (i % 20 == 0) {
              st.execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
            Thread.sleep(25);
          }
          Thread.sleep(1500); // at least one Litestream checkpoint (new WAL index) and sync
          st.execute("UPDATE t SET v = 'changed' WHERE id % 3 = 0");
        } finally {
          Litestream03.stop(ls); // SIGTERM: final sync
        }
      }
      try (S3ReplicaClient client = S3ReplicaClient.create(server.settings("v3bucket", "app"))) {
        assertThat(client.v3Generations())
            .as("Litestream 0.3.13 wrote to S3 (log: %s)", Files.readString(log))
            .hasSize(1);
        Path out = dir.resolve("restored.db");
        RestoreResult r = new Restorer(client, "s3://v3bucket/app").restore(RestoreOptions.of(out));
        assertThat(r.plan()).as("restored from the v0.3 backups").isNull();
        DbCompare.assertSameContent(db, out);
        DbCompare.assertIntegrity(out);
        String gen = client.v3Generations().getFirst();
        System.out.printf(
            "v3-s3: generation %s, %d snapshot(s), %d WAL segment(s), restored in %d ms%n",
            gen,
            client.v3Snapshots(gen).size(),
            client.v3WalSegments(gen).size(),
            r.duration().toMillis());
      }
    }
  }
}
