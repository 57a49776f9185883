package io.litestream4j.abs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.db.DbOptions;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.replica.lease.LeaseKeeper;
import io.litestream4j.replica.lease.LeaseTiming;
import io.litestream4j.replica.lease.Leaser;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The replication lease on azurite: a second replicator is refused, an expired lease is taken over,
 * a lost lease stops replication, releasing deletes only our own lock, {@code lease: false} takes
 * none.
 */
class AbsLeaseTest {

  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  private static final AbsTuning FAST_LEASE =
      AbsTuning.DEFAULTS
          .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50))
          .withLease(new LeaseTiming(Duration.ofSeconds(3), Duration.ofMillis(200)));

  static AzuriteServer server;
  BlobContainerClient admin;
  String container;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    server = AzuriteServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void createContainer() {
    container = "lease-" + CONTAINERS.incrementAndGet();
    admin = server.createContainer(container);
  }

  private AbsReplicaClient client(AbsTuning tuning) {
    return AbsReplicaClient.create(server.settings(container, "db"), tuning);
  }

  private String lockJson() {
    return admin.getBlobClient("db/lock.json").downloadContent().toString();
  }

  private boolean lockExists() {
    return admin.getBlobClient("db/lock.json").exists();
  }

  private void putLock(String json) {
    admin.getBlobClient("db/lock.json").upload(BinaryData.fromString(json), true);
  }

  @Test
  void aSecondReplicatorIsRefusedUntilTheFirstReleases() throws Exception {
    try (AbsReplicaClient a = client(AbsTuning.DEFAULTS);
        AbsReplicaClient b = client(AbsTuning.DEFAULTS)) {
      ReplicaLease lease = a.acquireLease("host-a:101", lost -> {});
      assertThat(lease.held()).isTrue();
      assertThat(lease.owner()).isEqualTo("host-a:101");
      assertThat(lockJson())
          .startsWith("{\"generation\":1,\"expires_at\":\"")
          .endsWith("\",\"owner\":\"host-a:101\"}");
      assertThat(admin.getBlobClient("db/lock.json").getProperties().getContentType())
          .isEqualTo("application/json");

      assertThatThrownBy(() -> b.acquireLease("host-b:202", lost -> {}))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining("host-a:101")
          .hasMessageContaining(lease.expiresAt().toString())
          .hasMessageContaining(
              "abs://" + AzuriteServer.ACCOUNT + "@" + container + "/db/lock.json");

      lease.close();
      assertThat(lease.held()).isFalse();
      assertThat(lockExists()).as("released lease deleted").isFalse();
      try (ReplicaLease second = b.acquireLease("host-b:202", lost -> {})) {
        assertThat(second.held()).isTrue();
        assertThat(lockJson()).contains("\"owner\":\"host-b:202\"");
      }
    }
  }

  @Test
  void anExpiredLeaseIsTakenOverWithTheNextGeneration() throws Exception {
    putLock(
        "{\"generation\":4,\"expires_at\":\"2020-01-01T00:00:00Z\",\"owner\":\"dead-host:99\"}");
    try (AbsReplicaClient b = client(AbsTuning.DEFAULTS);
        ReplicaLease lease = b.acquireLease("host-b:202", lost -> {})) {
      assertThat(lockJson()).startsWith("{\"generation\":5,").contains("host-b:202");
      assertThat(lease.held()).isTrue();
    }

    // A replicator that stops renewing (killed) blocks others only until its lease expires.
    try (AbsReplicaClient b = client(AbsTuning.DEFAULTS)) {
      var store =
          new AbsLeaseStore(admin.getBlobClient("db/lock.json"), server.settings(container, "db"));
      new Leaser(store, "killed:1", Duration.ofMillis(1500), Clock.systemUTC()).acquire();
      assertThatThrownBy(() -> b.acquireLease("host-b:202", lost -> {}))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining("killed:1");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      ReplicaLease taken = null;
      while (taken == null) {
        try {
          taken = b.acquireLease("host-b:202", lost -> {});
        } catch (LeaseHeldException stillLive) {
          assertThat(System.nanoTime()).as("lease never expired").isLessThan(deadline);
          Thread.sleep(100);
        }
      }
      assertThat(lockJson()).contains("\"generation\":2").contains("host-b:202");
      taken.close();
    }
  }

  @Test
  void exactlyOneOfConcurrentAcquirersWins() throws Exception {
    int n = 4;
    List<AbsReplicaClient> clients = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(n, Thread.ofPlatform().name("acquirer-", 0).factory());
    try {
      var start = new CountDownLatch(1);
      List<Future<ReplicaLease>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        AbsReplicaClient c = client(AbsTuning.DEFAULTS);
        clients.add(c);
        String owner = "host-" + i + ":" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return c.acquireLease(owner, lost -> {});
                }));
      }
      start.countDown();
      int won = 0;
      int refused = 0;
      for (Future<ReplicaLease> f : results) {
        try {
          f.get(60, TimeUnit.SECONDS);
          won++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(LeaseHeldException.class);
          refused++;
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(refused).isEqualTo(n - 1);
    } finally {
      pool.shutdownNow();
      for (AbsReplicaClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void theLeaseIsRenewedWhileHeld() throws Exception {
    try (AbsReplicaClient a = client(FAST_LEASE);
        ReplicaLease lease = a.acquireLease("host-a:101", lost -> {})) {
      Instant first = lease.expiresAt();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!lease.expiresAt().isAfter(first)) {
        assertThat(System.nanoTime()).as("lease was never renewed").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(lease.held()).isTrue();
      assertThat(lockJson()).contains("\"generation\":1").contains("host-a:101");
    }
  }

  @Test
  void losingTheLeaseStopsReplicationLoudly() throws Exception {
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
      AbsReplicaClient client = client(FAST_LEASE);
      ReplicationOptions opts =
          ReplicationOptions.of(db, "abs://unused")
              .withSyncInterval(Duration.ZERO)
              .withShutdownSync(Duration.ofMillis(300), Duration.ofMillis(100))
              .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)));
      try (Replication r = Replication.start(opts, client)) {
        r.onFailure(f -> lost.complete((LeaseLostException) f));
        st.execute("INSERT INTO t (v) VALUES ('before')");
        long before = r.syncAndAwait(Duration.ofSeconds(60));

        // A second replicator on the same replica is refused while this one holds the lease.
        try (AbsReplicaClient other = client(AbsTuning.DEFAULTS)) {
          assertThatThrownBy(() -> Replication.start(opts, other))
              .isInstanceOf(LeaseHeldException.class)
              .hasMessageContaining("lock.json");
        }

        // Another replicator overwrites the lock (e.g. one started with a clock far ahead).
        putLock(
            "{\"generation\":9,\"expires_at\":\"2099-01-01T00:00:00Z\",\"owner\":\"intruder:7\"}");
        LeaseLostException e = lost.get(30, TimeUnit.SECONDS);
        assertThat(e).hasMessageContaining("intruder:7").hasMessageContaining("stops");
        assertThat(r.failure()).containsSame(e);
        long objectsAtLoss = l0Count();
        assertThat(objectsAtLoss).isGreaterThanOrEqualTo(1);

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
        assertThatThrownBy(() -> client.deleteAll()).isInstanceOf(LeaseLostException.class);
        assertThat(l0Count()).as("no upload after the lease was lost").isEqualTo(objectsAtLoss);
      }
      assertThat(lockJson()).as("the new holder's lock is left alone").contains("intruder:7");
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

  @Test
  void closingTheClientReleasesItsLeaseAndDeleteAllSparesIt() throws Exception {
    AbsReplicaClient a = client(FAST_LEASE);
    ReplicaLease lease = a.acquireLease("host-a:101", lost -> {});
    a.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
    a.deleteAll();
    assertThat(lockExists()).as("deleteAll keeps the held lease").isTrue();
    assertThat(a.ltxFiles(0, 0)).isEmpty();
    a.close();
    assertThat(lease.held()).isFalse();
    assertThat(lockExists()).isFalse();
    lease.close();
  }

  @Test
  void leaseFalseInTheConfigurationTakesNoLease() throws Exception {
    var config =
        new ReplicaConfig(
            "abs",
            Optional.of(
                ReplicaUrl.parse("abs://" + AzuriteServer.ACCOUNT + "@" + container + "/db")),
            Optional.empty(),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            256,
            false,
            new ReplicaOptions(
                Map.of(
                    "endpoint",
                    server.endpoint(),
                    "account-key",
                    AzuriteServer.KEY,
                    "lease",
                    false)));
    try (AbsReplicaClient off =
        AbsReplicaClient.create(AbsSettings.from(config, Map.of()), FAST_LEASE)) {
      ReplicaLease lease = ReplicaLease.acquire(off, lost -> {});
      assertThat(lease).isSameAs(ReplicaLease.none());
      off.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
      assertThat(lockExists()).isFalse();
    }
  }

  private long l0Count() {
    return admin.listBlobsByHierarchy("db/ltx/0/").stream().count();
  }
}
