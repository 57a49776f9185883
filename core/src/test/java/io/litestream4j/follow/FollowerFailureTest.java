package io.litestream4j.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.FollowException;
import io.litestream4j.FollowOptions;
import io.litestream4j.Follower;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreException;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Bank;
import io.litestream4j.testing.DbCompare;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a follower refuses: a file whose checksums do not continue its database (nothing is
 * changed), a replica with a gap no compacted file or snapshot bridges, a database written by
 * someone else, and an output that is not a follower's database.
 */
class FollowerFailureTest {
  @TempDir Path dir;
  Path db;
  Path replica;
  Path out;
  long lastTxid;

  @BeforeEach
  void replicate() throws Exception {
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    out = dir.resolve("follower.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ZERO)
            .withStore(StoreOptions.DEFAULTS.withBackground(false));
    try (Bank bank = new Bank(db, 5);
        Replication r = Replication.start(opts)) {
      for (int i = 0; i < 6; i++) {
        bank.transfer();
        lastTxid = r.syncAndAwait(Duration.ofSeconds(30));
      }
    }
  }

  @Test
  void aStartThatFailsLeavesNothingBesideTheOutput() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-replica"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path target = elsewhere.resolve("follower.db");
    try (FileReplicaClient client = new FileReplicaClient(empty)) {
      assertThatThrownBy(() -> Follower.start(client, "empty replica", FollowOptions.of(target)))
          .isInstanceOfSatisfying(
              RestoreException.class,
              e -> assertThat(e.reason()).isEqualTo(RestoreException.Reason.NO_BACKUPS));
    }
    try (var left = Files.list(elsewhere)) {
      assertThat(left.toList()).as("left beside the output").isEmpty();
    }

    Files.writeString(target, "not a database");
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      assertThatThrownBy(() -> Follower.start(client, "test replica", FollowOptions.of(target)))
          .isInstanceOf(java.io.IOException.class);
    }
    try (var left = Files.list(elsewhere)) {
      assertThat(left.toList()).containsExactly(target);
    }
  }

  @Test
  void aFileThatDoesNotContinueTheChecksumsChangesNothing() throws Exception {
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      Path last = replica.resolve("ltx/0").resolve(client.ltxFiles(0, lastTxid).getFirst().name());
      Path hidden = dir.resolve("last.ltx");
      Files.move(last, hidden);
      try (Follower f = Follower.start(client, "test replica", FollowOptions.of(out))) {
        assertThat(f.txid()).isEqualTo(lastTxid - 1);
      }
      Path tampered = dir.resolve("tampered.ltx");
      rewrite(
          hidden,
          tampered,
          h ->
              new LtxHeader(
                  h.flags(),
                  h.pageSize(),
                  h.commit(),
                  h.minTxid(),
                  h.maxTxid(),
                  h.timestamp(),
                  h.preApplyChecksum() ^ 1,
                  h.walOffset(),
                  h.walSize(),
                  h.walSalt1(),
                  h.walSalt2(),
                  h.nodeId()));
      List<String> before = DbCompare.dump(out);
      byte[] bytesBefore = Files.readAllBytes(out);
      try (FollowerDatabase fdb = FollowerDatabase.open(out, Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> fdb.apply(tampered))
            .isInstanceOf(FollowException.class)
            .hasMessageContaining("checksum break")
            .hasMessageContaining("restore again");
        assertThat(fdb.txid()).isEqualTo(lastTxid - 1);
        fdb.apply(hidden); // the genuine file still applies
        assertThat(fdb.txid()).isEqualTo(lastTxid);
      }
      assertThat(before).isNotEqualTo(DbCompare.dump(out));
      assertThat(bytesBefore).isNotEmpty();
      DbCompare.assertSameContent(db, out);
    }
  }

  @Test
  void aGapNothingBridgesStopsTheFollowerWithAClearError() throws Exception {
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      List<LtxFileInfo> l0 = client.ltxFiles(0, 0);
      Path third = replica.resolve("ltx/0").resolve(l0.get(3).name());
      Path hidden = dir.resolve("hidden.ltx");
      Files.move(third, hidden);
      // Restore up to the gap by hiding the files after it, then let them reappear.
      List<Path> later =
          l0.subList(4, l0.size()).stream()
              .map(f -> replica.resolve("ltx/0").resolve(f.name()))
              .toList();
      for (Path p : later) {
        Files.move(p, dir.resolve(p.getFileName()));
      }
      try (Follower f = Follower.start(client, "test replica", FollowOptions.of(out))) {
        assertThat(f.txid()).isEqualTo(l0.get(2).maxTxid());
      }
      for (Path p : later) {
        Files.move(dir.resolve(p.getFileName()), p);
      }
      try (Follower f =
          Follower.start(
              client, "test replica", FollowOptions.of(out).withInterval(Duration.ofMillis(50)))) {
        assertThatThrownBy(() -> f.awaitTxid(lastTxid, Duration.ofSeconds(30)))
            .isInstanceOf(FollowException.class)
            .hasMessageContaining("gap")
            .hasMessageContaining("continues TXID");
        assertThat(((FollowException) f.failure().orElseThrow()).kind())
            .isEqualTo(FollowException.Kind.GAP);
        assertThat(f.txid()).isEqualTo(l0.get(2).maxTxid());
      }
      DbCompare.assertIntegrity(out);
    }
  }

  @Test
  void aDatabaseWrittenBySomeoneElseIsRefused() throws Exception {
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      Path last = replica.resolve("ltx/0").resolve(client.ltxFiles(0, lastTxid).getFirst().name());
      Path hidden = dir.resolve("last.ltx");
      Files.move(last, hidden);
      try (Follower f = Follower.start(client, "test replica", FollowOptions.of(out))) {
        assertThat(f.txid()).isEqualTo(lastTxid - 1);
      }
      try (FollowerDatabase fdb = FollowerDatabase.open(out, Duration.ofSeconds(5));
          Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
          Statement st = c.createStatement()) {
        st.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
        assertThatThrownBy(() -> fdb.apply(hidden))
            .isInstanceOf(FollowException.class)
            .hasMessageContaining("was modified by another writer");
      }
      assertThatThrownBy(() -> Follower.start(client, "test replica", FollowOptions.of(out)))
          .hasMessageContaining("at neither follow position");
    }
  }

  @Test
  void anExistingDatabaseThatIsNoFollowerIsNotReplacedWithoutForce() throws Exception {
    Files.copy(db, out);
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      assertThatThrownBy(() -> Follower.start(client, "test replica", FollowOptions.of(out)))
          .hasMessageContaining("exists");
      try (Follower f =
          Follower.start(client, "test replica", FollowOptions.of(out).withForce(true))) {
        assertThat(f.txid()).isEqualTo(lastTxid);
      }
      DbCompare.assertSameContent(db, out);
    }
  }

  private static void rewrite(Path in, Path out, java.util.function.UnaryOperator<LtxHeader> change)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (InputStream is = Files.newInputStream(in);
        LtxDecoder dec = new LtxDecoder(is)) {
      LtxHeader h = change.apply(dec.header());
      LtxEncoder enc = new LtxEncoder(bytes, h);
      byte[] page = new byte[h.pageSize()];
      for (int pgno; (pgno = dec.nextPage(page)) != 0; ) {
        enc.writePage(pgno, page);
      }
      LtxTrailer t = dec.finish();
      enc.finish(t.postApplyChecksum());
    }
    try (OutputStream os = Files.newOutputStream(out)) {
      bytes.writeTo(os);
    }
  }
}
