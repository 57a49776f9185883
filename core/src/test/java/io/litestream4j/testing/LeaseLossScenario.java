package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.replica.lease.LeaseKeeper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * Losing the replication lease, as every backend with a lease must handle it against its real
 * server: while a replicator holds the lease a second one is refused; when another replicator
 * overwrites the lock, replication stops loudly (every failure listener is told, also one added
 * later, and an ERROR names the new holder), nothing more is uploaded, writes and deletes are
 * refused, and the new holder's lock is left alone.
 */
public final class LeaseLossScenario {
  private LeaseLossScenario() {}

  /**
   * A new client on the replica: with a lease of seconds renewed several times a second, or not.
   */
  @FunctionalInterface
  public interface Clients {
    ReplicaClient client(boolean fastLease) throws IOException;
  }

  /** Overwrites {@code db/lock.json} unconditionally, as a misbehaving replicator would. */
  @FunctionalInterface
  public interface LockWriter {
    void put(String json) throws Exception;
  }

  /**
   * @param dir a fresh directory for the application's database
   * @param scheme the backend's URL scheme, for the replica's name in messages
   * @param lockJson reads {@code db/lock.json} on the server
   * @param l0Count counts the replica's level-0 files on the server
   */
  public static void run(
      Path dir,
      String scheme,
      Clients clients,
      LockWriter putLock,
      Callable<String> lockJson,
      Callable<Long> l0Count)
      throws Exception {
    Logger keeperLog = (Logger) LoggerFactory.getLogger(LeaseKeeper.class);
    var logged = new ListAppender<ILoggingEvent>();
    logged.start();
    keeperLog.addAppender(logged);
    Path db = dir.resolve("app.db");
    var lost = new CompletableFuture<LeaseLostException>();
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      ReplicaClient client = clients.client(true);
      ReplicationOptions opts =
          ReplicationOptions.of(db, scheme + "://unused")
              .withSyncInterval(Duration.ZERO)
              .withShutdownSync(Duration.ofMillis(300), Duration.ofMillis(100))
              .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)));
      try (Replication r = Replication.start(opts, client)) {
        r.onFailure(f -> lost.complete((LeaseLostException) f));
        var alsoTold = new CompletableFuture<Throwable>();
        r.onFailure(alsoTold::complete);
        st.execute("INSERT INTO t (v) VALUES ('before')");
        long before = r.syncAndAwait(Duration.ofSeconds(60));

        try (ReplicaClient other = clients.client(false)) {
          // Another database (one replicator per database is refused before any lease).
          ReplicationOptions otherDb =
              ReplicationOptions.of(dir.resolve("other.db"), scheme + "://unused");
          assertThatThrownBy(() -> Replication.start(otherDb, other))
              .as("a second replicator on the same replica is refused")
              .isInstanceOf(LeaseHeldException.class)
              .hasMessageContaining("lock.json");
        }

        // Another replicator overwrites the lock (e.g. one started with a clock far ahead).
        putLock.put(
            "{\"generation\":9,\"expires_at\":\"2099-01-01T00:00:00Z\",\"owner\":\"intruder:7\"}");
        LeaseLostException e = lost.get(30, TimeUnit.SECONDS);
        assertThat(e).hasMessageContaining("intruder:7").hasMessageContaining("stops");
        assertThat(r.failure()).containsSame(e);
        assertThat(alsoTold.get(10, TimeUnit.SECONDS)).as("every listener is told").isSameAs(e);
        List<Throwable> late = new ArrayList<>();
        r.onFailure(late::add);
        assertThat(late)
            .as("a listener added after the failure is told at once")
            .containsExactly(e);
        long objectsAtLoss = l0Count.call();
        assertThat(objectsAtLoss).isGreaterThanOrEqualTo(before);

        st.execute("INSERT INTO t (v) VALUES ('after')");
        long after = r.sync();
        assertThat(after).isGreaterThan(before);
        assertThatThrownBy(() -> r.awaitReplicated(after, Duration.ofSeconds(2)))
            .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(
                () ->
                    client.writeLtxFile(
                        0,
                        after,
                        after,
                        new ByteArrayInputStream(TestLtx.bytes(after, after, Instant.now(), 10))))
            .isInstanceOf(LeaseLostException.class)
            .hasMessageContaining("refusing to write");
        assertThatThrownBy(client::deleteAll).isInstanceOf(LeaseLostException.class);
        assertThat(l0Count.call())
            .as("no upload after the lease was lost")
            .isEqualTo(objectsAtLoss);
      }
      assertThat(lockJson.call()).as("the new holder's lock is left alone").contains("intruder:7");
      assertThat(logged.list)
          .anySatisfy(
              ev -> {
                assertThat(ev.getLevel()).isEqualTo(Level.ERROR);
                assertThat(ev.getFormattedMessage())
                    .contains("REPLICATION MUST STOP")
                    .contains("intruder:7");
              });
    } finally {
      keeperLog.detachAppender(logged);
    }
  }
}
