package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.nats.NatsServer;
import io.litestream4j.sftp.OpenSshServer;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import io.litestream4j.webdav.RcloneWebdavServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicate} then {@code restore} through a {@code litestream.yml} written with Litestream's
 * own keys, for the sftp, webdav and nats backends against real servers (OpenSSH sshd, {@code
 * rclone serve webdav}, {@code nats-server -js}), each requiring credentials. The restored database
 * must equal the source: content, checksum and {@code PRAGMA integrity_check}.
 */
class BackendConfigRoundTripTest {

  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void sftpWithHostUserKeyPathAndHostKey() throws Exception {
    try (OpenSshServer server = OpenSshServer.start(dir)) {
      roundTrip(
          """
          type: sftp
          host: 127.0.0.1:%d
          user: %s
          key-path: %s
          host-key: "%s"
          concurrent-writes: true
          path: %s
          """
              .formatted(
                  server.port(),
                  server.user(),
                  server.userKey(),
                  server.hostKeyLine(),
                  dir.resolve("sftp-replica")));
    }
  }

  @Test
  void webdavWithUrlUsernameAndPassword() throws Exception {
    try (RcloneWebdavServer server =
        RcloneWebdavServer.start(dir, Optional.of("alice"), Optional.of("c0rrect-horse"))) {
      roundTrip(
          """
          type: webdav
          webdav-url: http://127.0.0.1:%d
          webdav-username: alice
          webdav-password: c0rrect-horse
          path: backups/app
          """
              .formatted(server.port()));
    }
  }

  @Test
  void natsWithUrlTokenAndReconnectSettings() throws Exception {
    try (NatsServer server =
        NatsServer.start(
            dir,
            "authorization { token: \"t0ken-value\" }",
            b -> b.token("t0ken-value".toCharArray()))) {
      server.createBucket("litestream");
      roundTrip(
          """
          url: nats://127.0.0.1:%d/litestream
          token: t0ken-value
          max-reconnects: 5
          reconnect-wait: 500ms
          timeout: 5s
          """
              .formatted(server.port()));
    }
  }

  private void roundTrip(String replicaKeys) throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(
        db,
        """
        PRAGMA journal_mode=wal;
        CREATE TABLE t(id INTEGER PRIMARY KEY, note TEXT, body BLOB);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
          INSERT INTO t(note, body) SELECT 'row ' || i, randomblob(500 + i) FROM n;
        """);
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        logging:
          stderr: true
        dbs:
          - path: %s
            replica:
        %s"""
            .formatted(db, replicaKeys.indent(6)));

    CliRun first = CliRun.of("replicate", "-config", config, "-once");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    sqlite.run(
        db,
        """
        UPDATE t SET note = 'changed ' || id WHERE id % 7 = 0;
        DELETE FROM t WHERE id % 11 = 0;
        INSERT INTO t(note, body) VALUES ('after the first sync', randomblob(70000));
        """);
    CliRun second = CliRun.of("replicate", "-config", config, "-once");
    assertThat(second.exitCode()).as(second.toString()).isZero();

    Path restored = dir.resolve("restored.db");
    CliRun restore = CliRun.of("restore", "-config", config, "-o", restored, db);
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    DbCompare.assertSameContent(db, restored);
    assertThat(DatabaseChecksum.of(restored)).isEqualTo(L0Restore.logicalChecksum(db));
    DbCompare.assertIntegrity(restored);
  }
}
