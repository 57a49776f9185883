package io.litestream4j.abs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.replica.lease.LeaseTiming;
import io.litestream4j.testing.LeaseLossScenario;
import io.litestream4j.testing.LeaseTakeover;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      LeaseTakeover.assertFirstHolder(lease, lockJson(), "host-a:101");
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
      ReplicaLease taken =
          LeaseTakeover.fromKilledHolder(
              store, () -> b.acquireLease("host-b:202", lost -> {}), Duration.ofSeconds(30));
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
    LeaseLossScenario.run(
        dir,
        "abs",
        fast -> client(fast ? FAST_LEASE : AbsTuning.DEFAULTS),
        this::putLock,
        this::lockJson,
        this::l0Count);
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
