package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import io.litestream4j.abs.AzuriteServer;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.s3.S3ProxyServer;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicate -once} then {@code restore} through a {@code litestream.yml} written with
 * Litestream's own keys, against real protocol servers on loopback: Azure Blob (azurite) and
 * Alibaba OSS's S3-compatible API (s3proxy). The restored database must equal the source (content,
 * checksum, integrity) after two rounds of writes, so the second round continues the replica the
 * first one started. On abs, a replica whose lease another replicator holds is refused, and an
 * expired lease is taken over and released.
 */
class ObjectStoreRoundTripTest {

  static AzuriteServer azurite;
  static S3ProxyServer s3;

  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @BeforeAll
  static void startServers() throws Exception {
    s3 = S3ProxyServer.start();
    azurite = AzuriteServer.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (azurite != null) {
      azurite.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void azureBlobWithLitestreamsKeys() throws Exception {
    azurite.createContainer("keys");
    roundTrip(
        "",
        """
        replica:
          type: abs
          account-name: %s
          account-key: %s
          bucket: keys
          path: apps/app.db
          endpoint: %s
        """
            .formatted(AzuriteServer.ACCOUNT, AzuriteServer.KEY, azurite.endpoint()));
  }

  /**
   * A live lease of another replicator refuses {@code replicate}; once it expires, replication
   * takes it and releases it.
   */
  @Test
  void azureBlobReplicaLeasedByAnotherReplicatorIsRefused() throws Exception {
    BlobContainerClient container = azurite.createContainer("held");
    BlobClient lock = container.getBlobClient("app/lock.json");
    lock.upload(
        BinaryData.fromString(
            "{\"generation\":3,\"expires_at\":\"2099-01-01T00:00:00Z\",\"owner\":\"other-host:42\"}"));
    Path db = dir.resolve("app.db");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        "account-key: "
            + AzuriteServer.KEY
            + "\ndbs:\n  - path: "
            + db
            + "\n"
            + """
        replica:
          url: abs://%s@held/app
          endpoint: %s
        """
                .formatted(AzuriteServer.ACCOUNT, azurite.endpoint())
                .indent(4));
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1);");

    CliRun refused = CliRun.of("replicate", "-once", "-config", config);
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.toString()).contains("in use", "other-host:42", "lock.json");
    assertThat(container.listBlobs().stream().map(b -> b.getName()))
        .containsExactly("app/lock.json");

    lock.upload(
        BinaryData.fromString(
            "{\"generation\":3,\"expires_at\":\"2020-01-01T00:00:00Z\",\"owner\":\"other-host:42\"}"),
        true);
    CliRun taken = CliRun.of("replicate", "-once", "-config", config);
    assertThat(taken.exitCode()).as(taken.toString()).isZero();
    assertThat(lock.exists()).as("the lease is released when replicate -once ends").isFalse();
    assertThat(container.listBlobs().stream().map(b -> b.getName()))
        .anyMatch(n -> n.startsWith("app/ltx/0/"));
  }

  @Test
  void azureBlobWithAUrlAndGlobalCredentials() throws Exception {
    azurite.createContainer("url");
    roundTrip(
        "account-key: " + AzuriteServer.KEY + "\n",
        """
        replica:
          url: abs://%s@url/app
          endpoint: %s
        """
            .formatted(AzuriteServer.ACCOUNT, azurite.endpoint()));
  }

  @Test
  void alibabaOssWithLitestreamsKeys() throws Exception {
    s3.createBucket("oss-keys");
    roundTrip(
        "",
        """
        replica:
          type: oss
          bucket: oss-keys
          path: apps/app.db
          region: cn-hangzhou
          endpoint: %s
          access-key-id: %s
          secret-access-key: %s
        """
            .formatted(
                s3.endpoint().getAuthority(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
  }

  @Test
  void alibabaOssWithAUrl() throws Exception {
    s3.createBucket("oss-url");
    roundTrip(
        "access-key-id: %s\nsecret-access-key: %s\n"
            .formatted(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY),
        """
        replica:
          url: oss://oss-url/app
          endpoint: %s
        """
            .formatted(s3.endpoint()));
  }

  /**
   * Writes {@code globalYaml}, then one database whose entry ends with {@code replicaYaml};
   * replicates twice; restores.
   */
  private void roundTrip(String globalYaml, String replicaYaml) throws Exception {
    Path db = dir.resolve("app.db");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(config, globalYaml + "dbs:\n  - path: " + db + "\n" + replicaYaml.indent(4));
    sqlite.run(
        db,
        """
        PRAGMA journal_mode=wal;
        CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB, note TEXT);
        INSERT INTO t(body, note) SELECT randomblob(500), 'first ' || value FROM generate_series(1, 300);
        """);
    CliRun first = CliRun.of("replicate", "-once", "-config", config);
    assertThat(first.exitCode()).as(first.toString()).isZero();

    sqlite.run(
        db,
        """
        INSERT INTO t(body, note) SELECT randomblob(2000), 'second ' || value FROM generate_series(1, 200);
        DELETE FROM t WHERE id % 7 = 0;
        UPDATE t SET note = note || ' updated' WHERE id % 5 = 0;
        """);
    CliRun second = CliRun.of("replicate", "-once", "-config", config);
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Path out = dir.resolve("restored.db");
    CliRun restore = CliRun.of("restore", "-config", config, "-o", out, db);
    assertThat(restore.exitCode()).as(restore.toString()).isZero();

    DbCompare.assertSameContent(db, out);
    DbCompare.assertIntegrity(out);
    assertThat(DatabaseChecksum.of(out)).isEqualTo(DatabaseChecksum.of(db));
  }
}
