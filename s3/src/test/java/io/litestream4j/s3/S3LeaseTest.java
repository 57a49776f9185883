package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.RfcTimestamps;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.testing.LeaseLossScenario;
import io.litestream4j.testing.LeaseTakeover;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The replication lease on a real S3 protocol server: refusal, expiry takeover, loss, release. */
class S3LeaseTest {

  private static final S3Tuning FAST_LEASE =
      S3Tuning.DEFAULTS.withLease(Duration.ofSeconds(3), Duration.ofMillis(200));

  static S3ProxyServer server;
  static S3Client admin;
  String bucket;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    admin = server.admin();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void createBucket() {
    bucket = server.newBucket("lease-");
  }

  private S3ReplicaClient client(S3Tuning tuning) {
    return S3ReplicaClient.create(server.settings(bucket, "db"), tuning);
  }

  private String lockJson() {
    return admin.getObjectAsBytes(r -> r.bucket(bucket).key("db/lock.json")).asUtf8String();
  }

  @Test
  void aSecondReplicatorIsRefusedUntilTheFirstReleases() throws Exception {
    try (S3ReplicaClient a = client(S3Tuning.DEFAULTS);
        S3ReplicaClient b = client(S3Tuning.DEFAULTS)) {
      ReplicaLease lease = a.acquireLease("host-a:101", lost -> {});
      LeaseTakeover.assertFirstHolder(lease, lockJson(), "host-a:101");

      assertThatThrownBy(() -> b.acquireLease("host-b:202", lost -> {}))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining("host-a:101")
          .hasMessageContaining(lease.expiresAt().toString())
          .hasMessageContaining("s3://" + bucket + "/db/lock.json");

      lease.close();
      assertThat(lease.held()).isFalse();
      assertThatThrownBy(() -> admin.headObject(r -> r.bucket(bucket).key("db/lock.json")))
          .isInstanceOf(NoSuchKeyException.class);
      try (ReplicaLease second = b.acquireLease("host-b:202", lost -> {})) {
        assertThat(second.held()).isTrue();
        assertThat(lockJson()).contains("\"owner\":\"host-b:202\"");
      }
    }
  }

  @Test
  void aDeadReplicatorsLeaseIsTakenOverOnceExpired() throws Exception {
    admin.putObject(
        r -> r.bucket(bucket).key("db/lock.json"),
        RequestBody.fromString(
            "{\"generation\":4,\"expires_at\":\"2020-01-01T00:00:00Z\",\"owner\":\"dead-host:99\"}"));
    try (S3ReplicaClient b = client(S3Tuning.DEFAULTS);
        ReplicaLease lease = b.acquireLease("host-b:202", lost -> {})) {
      assertThat(lockJson()).startsWith("{\"generation\":5,").contains("host-b:202");
      assertThat(lease.held()).isTrue();
    }

    // A replicator that stops renewing (killed) blocks others only until its lease expires.
    try (S3ReplicaClient a = client(S3Tuning.DEFAULTS);
        S3ReplicaClient b = client(S3Tuning.DEFAULTS)) {
      var store = new S3LeaseStore(admin, bucket, "db/lock.json", S3Provider.MINIO);
      ReplicaLease taken =
          LeaseTakeover.fromKilledHolder(
              store, () -> b.acquireLease("host-b:202", lost -> {}), Duration.ofSeconds(10));
      assertThat(lockJson()).contains("\"generation\":2").contains("host-b:202");
      taken.close();
      assertThat(a.settings().lease()).isTrue();
    }
  }

  @Test
  void theLeaseIsRenewedWhileHeld() throws Exception {
    try (S3ReplicaClient a = client(FAST_LEASE);
        ReplicaLease lease = a.acquireLease("host-a:101", lost -> {})) {
      Instant first = lease.expiresAt();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!lease.expiresAt().isAfter(first)) {
        assertThat(System.nanoTime()).as("lease was never renewed").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(lockJson()).contains(RfcTimestamps.format(lease.expiresAt()).substring(0, 19));
      assertThat(lease.held()).isTrue();
    }
  }

  @Test
  void losingTheLeaseStopsReplicationLoudly() throws Exception {
    LeaseLossScenario.run(
        dir,
        "s3",
        fast -> client(fast ? FAST_LEASE : S3Tuning.DEFAULTS),
        json ->
            admin.putObject(
                q -> q.bucket(bucket).key("db/lock.json"), RequestBody.fromString(json)),
        this::lockJson,
        () -> (long) l0Count());
  }

  @Test
  void closingTheClientReleasesItsLease() throws Exception {
    S3ReplicaClient a = client(FAST_LEASE);
    ReplicaLease lease = a.acquireLease("host-a:101", lost -> {});
    a.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
    a.close();
    assertThat(lease.held()).isFalse();
    assertThatThrownBy(() -> admin.headObject(r -> r.bucket(bucket).key("db/lock.json")))
        .isInstanceOf(NoSuchKeyException.class);
    lease.close();
  }

  @Test
  void leaseFalseTakesNoLease() throws Exception {
    try (S3ReplicaClient off =
        S3ReplicaClient.create(server.settings(bucket, "db").withLease(false))) {
      ReplicaLease lease = ReplicaLease.acquire(off, lost -> {});
      assertThat(lease).isSameAs(ReplicaLease.none());
      assertThat(lease.held()).isTrue();
      off.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
      assertThat(admin.listObjectsV2(r -> r.bucket(bucket)).contents())
          .extracting(o -> o.key())
          .containsExactly("db/0000/0000000000000001-0000000000000001.ltx");
    }
  }

  private int l0Count() {
    return admin.listObjectsV2(r -> r.bucket(bucket).prefix("db/0000/")).keyCount();
  }
}
