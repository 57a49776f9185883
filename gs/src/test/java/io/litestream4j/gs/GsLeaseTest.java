package io.litestream4j.gs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.replica.lease.LeaseStore.PreconditionFailedException;
import io.litestream4j.replica.lease.LeaseTiming;
import io.litestream4j.testing.LeaseTakeover;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replication lease through the real SDK over HTTP against {@link GcsObjectServer}, which keeps
 * generations and checks {@code ifGenerationMatch} (google-cloud-nio's fake has neither): a second
 * replicator is refused, an expired lease is taken over, a lock replaced behind the holder's back
 * fences its writes, releasing deletes only our own lock.
 */
class GsLeaseTest {

  static final AtomicInteger BUCKETS = new AtomicInteger();
  static GcsObjectServer server;
  String bucket;
  Storage storage;

  @BeforeAll
  static void startServer() throws Exception {
    server = GcsObjectServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newBucket() {
    bucket = "bucket-" + BUCKETS.incrementAndGet();
    storage = server.storage();
  }

  private GsReplicaClient client() {
    return GsReplicaClient.create(new GsSettings(bucket, "db"), storage, LeaseTiming.DEFAULTS);
  }

  private String lockJson() {
    return new String(
        storage.readAllBytes(BlobId.of(bucket, "db/lock.json")), StandardCharsets.UTF_8);
  }

  private void putLock(String json) {
    server.force(bucket, "db/lock.json", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theStoreHonoursGenerationPreconditions() throws Exception {
    var store =
        new GsLeaseStore(storage, BlobId.of(bucket, "db/lock.json"), new GsSettings(bucket, "db"));
    assertThat(store.read()).isEmpty();
    String g1 = store.create("one".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.create("two".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PreconditionFailedException.class);
    String g2 = store.replace("two".getBytes(StandardCharsets.UTF_8), g1);
    assertThat(g2).isNotEqualTo(g1);
    assertThatThrownBy(() -> store.replace("three".getBytes(StandardCharsets.UTF_8), g1))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(store.read())
        .hasValueSatisfying(
            v -> {
              assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("two");
              assertThat(v.etag()).isEqualTo(g2);
            });
    assertThatThrownBy(() -> store.delete(g1)).isInstanceOf(PreconditionFailedException.class);
    assertThat(store.delete(g2)).isTrue();
    assertThat(store.read()).isEmpty();
    assertThat(store.delete(g2)).as("already gone counts as deleted").isTrue();
    assertThat(server.requests())
        .anyMatch(r -> r.startsWith("POST /upload/") && r.contains("ifGenerationMatch=0"))
        .anyMatch(r -> r.startsWith("POST /upload/") && r.contains("ifGenerationMatch=" + g1))
        .anyMatch(r -> r.startsWith("DELETE ") && r.contains("ifGenerationMatch=" + g2))
        .anyMatch(r -> r.startsWith("GET /download/") && r.contains("generation=" + g2));
  }

  @Test
  void aSecondReplicatorIsRefusedUntilTheFirstReleases() throws Exception {
    try (GsReplicaClient a = client();
        GsReplicaClient b = client()) {
      ReplicaLease lease = a.acquireLease("host-a:101", lost -> {});
      LeaseTakeover.assertFirstHolder(lease, lockJson(), "host-a:101");
      assertThatThrownBy(() -> b.acquireLease("host-b:202", lost -> {}))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining("host-a:101")
          .hasMessageContaining("gs://" + bucket + "/db/lock.json");
      lease.close();
      assertThat(server.exists(bucket, "db/lock.json")).as("released lease deleted").isFalse();
      try (ReplicaLease second = b.acquireLease("host-b:202", lost -> {})) {
        assertThat(lockJson()).contains("\"owner\":\"host-b:202\"");
      }
    }
  }

  @Test
  void anExpiredLeaseIsTakenOverWithTheNextGeneration() throws Exception {
    putLock(
        "{\"generation\":4,\"expires_at\":\"2020-01-01T00:00:00Z\",\"owner\":\"dead-host:99\"}");
    try (GsReplicaClient b = client();
        ReplicaLease lease = b.acquireLease("host-b:202", lost -> {})) {
      assertThat(lockJson()).startsWith("{\"generation\":5,").contains("host-b:202");
      assertThat(lease.held()).isTrue();
    }
  }

  @Test
  void aLockReplacedBehindTheHoldersBackFencesItsWrites() throws Exception {
    var fast = new LeaseTiming(Duration.ofSeconds(30), Duration.ofMillis(100));
    var lost = new java.util.concurrent.CompletableFuture<LeaseLostException>();
    try (GsReplicaClient a = GsReplicaClient.create(new GsSettings(bucket, "db"), storage, fast)) {
      ReplicaLease lease = a.acquireLease("host-a:101", lost::complete);
      a.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
      putLock(
          "{\"generation\":9,\"expires_at\":\"2099-01-01T00:00:00Z\",\"owner\":\"intruder:7\"}");
      assertThat(lost.get(30, java.util.concurrent.TimeUnit.SECONDS))
          .hasMessageContaining("intruder:7");
      assertThat(lease.held()).isFalse();
      assertThatThrownBy(
              () ->
                  a.writeLtxFile(
                      0, 2, 2, new ByteArrayInputStream(TestLtx.bytes(2, 2, Instant.now(), 10))))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("refusing to write");
      assertThatThrownBy(a::deleteAll).isInstanceOf(LeaseLostException.class);
      assertThat(server.exists(bucket, "db/ltx/0/0000000000000001-0000000000000001.ltx")).isTrue();
      assertThat(server.exists(bucket, "db/ltx/0/0000000000000002-0000000000000002.ltx")).isFalse();
    }
    assertThat(lockJson()).as("the new holder's lock is left alone").contains("intruder:7");
  }

  @Test
  void leaseFalseTakesNoLease() throws Exception {
    try (GsReplicaClient off =
        GsReplicaClient.create(
            new GsSettings(bucket, "db", false), storage, LeaseTiming.DEFAULTS)) {
      assertThat(ReplicaLease.acquire(off, lost -> {})).isSameAs(ReplicaLease.none());
      off.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, Instant.now(), 10)));
      assertThat(server.exists(bucket, "db/lock.json")).isFalse();
    }
  }
}
